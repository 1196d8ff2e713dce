package org.example.web.system;

/**
 * Where the deployed stack answers on this host (the ports deploy/docker-stack.yml publishes).
 * Traffic of the tests goes only here and to the stack's containers.
 */
final class Endpoints {

	/** HAProxy's public frontend: the service as clients see it. */
	static final String PUBLIC = "http://127.0.0.1:8080";

	static final String STATUS = PUBLIC + "/status";

	static final String WHOAMI = PUBLIC + "/whoami";

	/** HAProxy's operator listener: stats, metrics, Consul UI. */
	static final String OPERATOR = "http://127.0.0.1:8404";

	static final String HAPROXY_STATS_CSV = OPERATOR + "/stats;csv";

	static final String PROMETHEUS = "http://127.0.0.1:9090";

	private Endpoints() {
	}

}
