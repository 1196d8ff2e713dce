# local/jre:25 - the base of the service image: a Java 25 runtime made by jlink from Debian's
# OpenJDK 25 with only the modules the service needs, the Consul agent binary and its launcher,
# on a root filesystem that holds nothing but the shared libraries they load and bash (no package
# manager, no curl, no coreutils). Java 25 for its ahead-of-time cache (JEP 483/514/515): the
# service image carries one made by a training run (deploy/build-image.sh).
# Sourced by build-base-images.sh.

JRE_IMAGE=local/jre:25
# What the image is made from: a change to any of these files rebuilds it.
JRE_INPUTS=(deploy/images/jre.sh deploy/images/http-ok deploy/images/own-address consul/with-consul-agent)
JDK_PACKAGE=openjdk-25-jdk-headless
JAVA_HOME_IN_IMAGE=/opt/java

# The modules of the service, from `jdeps --print-module-deps` on its jars, minus what is never
# loaded (compiler, scripting, JFR); each was checked by starting the service without it:
#   java.desktop (java.beans: Spring's bean introspection), java.instrument + java.security.jgss
#   (Tomcat's class loader and SPNEGO classes are linked at start-up), java.management +
#   jdk.management (JMX, Micrometer's process metrics), java.naming (Tomcat, Spring's JNDI
#   checks), java.net.http, java.sql (types Jackson and Spring link to), jdk.unsupported (Unsafe).
JRE_MODULES=java.base,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.sql,jdk.management,jdk.unsupported

# The shared libraries the runtime, the Consul binary and bash load, and nothing else; bash's
# loadable builtins stand in for coreutils (the launcher needs mkdir and sleep).
JRE_ROOTFS_PACKAGES=(base-files libc6 libgcc-s1 libstdc++6 zlib1g bash libtinfo6 bash-builtins)

# java.desktop's native AWT, font, image and sound libraries: java.beans never loads them.
JRE_UNUSED_NATIVE_LIBS=(libawt.so libawt_headless.so libawt_xawt.so libfontmanager.so libjavajpeg.so
  libjawt.so libjsound.so liblcms.so libmlib_image.so libsplashscreen.so)

build_jre() {
  local builder rootfs
  scratch_dir builder
  scratch_dir rootfs
  new_rootfs "$builder" "$JDK_PACKAGE" binutils   # binutils: jlink --strip-debug runs objcopy
  local jdk; jdk=$(chroot "$builder" bash -c 'dirname "$(dirname "$(readlink -f /usr/bin/javac)")"')
  # zip-6: the class files of the runtime compressed (-31 MB); the classes the service loads at
  # start-up come from its ahead-of-time cache, not from this file.
  in_chroot "$builder" "$jdk/bin/jlink" --add-modules "$JRE_MODULES" --strip-debug --no-man-pages \
    --no-header-files --compress=zip-6 --output /runtime || die "jlink failed"
  find "$builder/runtime" -name '*.debuginfo' -delete
  local lib
  for lib in "${JRE_UNUSED_NATIVE_LIBS[@]}"; do rm -f "$builder/runtime/lib/$lib"; done

  packages_rootfs "$builder" "$rootfs" "${JRE_ROOTFS_PACKAGES[@]}"
  install -d "$rootfs/opt" && mv "$builder/runtime" "$rootfs$JAVA_HOME_IN_IMAGE"
  add_consul "$rootfs"
  install -m 0755 "$REPO_ROOT/deploy/images/http-ok" "$REPO_ROOT/deploy/images/own-address" "$rootfs/usr/local/bin/"
  install -d -m 1777 "$rootfs/tmp"
  # The service runs as this non-root user (uid 1000); the agent's data dir is its own.
  add_user "$rootfs" web 1000 /home/web
  install -d -o 1000 -g 1000 "$rootfs/consul" "$rootfs/consul/data"
  in_chroot "$rootfs" "$JAVA_HOME_IN_IMAGE/bin/java" -version >/dev/null 2>&1 || die "the runtime in $JRE_IMAGE does not start"
  import_rootfs "$rootfs" "$JRE_IMAGE" \
    "ENV JAVA_HOME=$JAVA_HOME_IN_IMAGE" \
    "ENV PATH=$JAVA_HOME_IN_IMAGE/bin:/usr/local/bin:/usr/bin:/bin" \
    'USER web'
}
