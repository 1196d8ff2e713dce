# The web service itself (Spring Cloud Consul, the watchdog) through its agent on 127.0.0.1:8500:
# register, update, deregister and read the service "web" and its checks; nothing else.
service "web" {
  policy = "write"
}
