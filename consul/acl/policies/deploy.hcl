# deploy/up.sh: publishes HAProxy's configuration and the desired replica count of web.
key_prefix "haproxy/" {
  policy = "write"
}
key_prefix "web/" {
  policy = "write"
}
