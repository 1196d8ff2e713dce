package org.example.web.system;

/**
 * Where the deployed stack answers on this host (the ports deploy/docker-stack.yml publishes).
 * Traffic of the tests goes only here and to the stack's containers.
 */
final class Endpoints {

	/** HAProxy's public frontend: the service as clients see it. */
	static final int PUBLIC_PORT = 8080;

	/** HAProxy's operator listener: every path needs the operators' credentials ({@link Credentials}). */
	static final int OPERATOR_PORT = 8404;

	static final String PUBLIC = "http://127.0.0.1:" + PUBLIC_PORT;

	static final String STATUS = PUBLIC + "/status";

	static final String WHOAMI = PUBLIC + "/whoami";

	/** Stats, HAProxy's metrics, the Consul UI, Prometheus and Alertmanager. */
	static final String OPERATOR = "http://127.0.0.1:" + OPERATOR_PORT;

	/** Prometheus, served under /prometheus/ by the operator listener (it publishes no port of its own). */
	static final String PROMETHEUS = OPERATOR + "/prometheus";

	private Endpoints() {
	}

}
