# local/rsyslog:8 - the request log collector: rsyslog (Debian trixie) receives HAProxy's
# per-request log lines over TCP syslog and writes them to size-rotated files in a volume.
# Sourced by build-base-images.sh.

LOGS_IMAGE=local/rsyslog:8
# What the image is made from: a change to any of these files rebuilds it.
LOGS_INPUTS=(deploy/images/logs.sh logs/rotate-request-log)

build_logs() {
  local dir; scratch_dir dir
  new_rootfs "$dir" rsyslog
  trim_docs "$dir"
  # Debian's own rsyslog.conf reads the kernel log and /dev/log; the stack mounts logs/rsyslog.conf.
  rm -f "$dir/etc/rsyslog.conf" "$dir"/etc/rsyslog.d/*
  install -m 0755 "$REPO_ROOT/logs/rotate-request-log" "$dir/usr/local/bin/rotate-request-log"
  add_user "$dir" logs 1000 /var/log/requests
  import_rootfs "$dir" "$LOGS_IMAGE" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'USER logs' 'WORKDIR /var/log/requests' 'EXPOSE 5140' \
    'ENTRYPOINT ["rsyslogd", "-n", "-f", "/etc/rsyslog/rsyslog.conf", "-i", "/dev/shm/rsyslogd.pid"]'
}
