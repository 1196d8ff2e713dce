package org.example.web.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.awaitility.Awaitility;
import org.example.web.support.Json;
import org.example.web.support.Shell;
import org.example.web.support.Timing;
import tools.jackson.databind.JsonNode;

/**
 * The webhook receiver of the system tests: Alertmanager's notifications (webhook payload
 * version 4) arrive here, on this host, at the docker_gwbridge gateway address, which every
 * swarm task of this node reaches without a published port. The stack is deployed with
 * {@code ALERT_WEBHOOK_URL=}{@link #url()} (SwarmStack.up), so the URL is fixed before any
 * receiver runs: Alertmanager retries a notification that finds nobody listening.
 * <p>
 * Single node only: on a multi-node swarm Alertmanager may run where the gateway is another host.
 */
final class AlertReceiver implements AutoCloseable {

	/** The port this host listens on for Alertmanager (not published by Docker: a host socket). */
	static final int PORT = Integer.getInteger("alert.receiver.port", 19095);

	private static final String PATH = "/alerts";

	private final HttpServer server;

	private final List<Notification> received = new ArrayList<>();

	private AlertReceiver(HttpServer server) {
		this.server = server;
	}

	/** Where Alertmanager sends: http://GATEWAY:PORT/alerts. */
	static String url() {
		return "http://" + gatewayAddress() + ":" + PORT + PATH;
	}

	/** The docker_gwbridge gateway: the host as the swarm tasks of this node see it. */
	static String gatewayAddress() {
		String gateway = Shell
			.run("docker", "network", "inspect", "docker_gwbridge", "--format", "{{range .IPAM.Config}}{{.Gateway}} {{end}}")
			.trim()
			.split("\\s+")[0];
		if (gateway.isBlank()) {
			throw new IllegalStateException("docker_gwbridge has no gateway address (is this a swarm node?)");
		}
		return gateway;
	}

	static AlertReceiver start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress(gatewayAddress(), PORT), 16);
			AlertReceiver receiver = new AlertReceiver(server);
			server.createContext(PATH, receiver::handle);
			server.start();
			return receiver;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot listen on " + url(), ex);
		}
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange; InputStream body = exchange.getRequestBody()) {
			String payload = new String(body.readAllBytes(), StandardCharsets.UTF_8);
			if (exchange.getRequestMethod().equals("POST")) {
				List<Notification> notifications = Notification.parse(payload, Timing.now());
				synchronized (this.received) {
					this.received.addAll(notifications);
				}
			}
			exchange.sendResponseHeaders(200, -1);
		}
	}

	/** Every alert of every notification so far, in arrival order. */
	List<Notification> received() {
		synchronized (this.received) {
			return List.copyOf(this.received);
		}
	}

	/** Waits for the first alert that matches and returns it. */
	Notification await(String what, Predicate<Notification> matching, Duration timeout) {
		return Awaitility.await(what).atMost(timeout)
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> received().stream().filter(matching).findFirst(), Optional::isPresent)
			.orElseThrow();
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	/**
	 * One alert of a notification: its name, the instance it is about (if any), "firing" or
	 * "resolved", and when it arrived (epoch milliseconds).
	 */
	record Notification(String alertname, String instance, String status, long receivedAt) {

		/** The alerts of one webhook payload ({"status", "alerts": [{"status", "labels"}...]}). */
		static List<Notification> parse(String payload, long receivedAt) {
			JsonNode json = Json.read(payload);
			return json.path("alerts")
				.valueStream()
				.map((alert) -> new Notification(alert.path("labels").path("alertname").asString(""),
						alert.path("labels").path("instance").asString(""), alert.path("status").asString(""),
						receivedAt))
				.toList();
		}

		boolean is(String alert, String status, String instanceContains) {
			return alertname().equals(alert) && status().equals(status) && instance().contains(instanceContains);
		}

	}

}
