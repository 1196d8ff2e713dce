package org.example.web.discovery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.example.web.WebApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.context.ConfigurableApplicationContext;

/** One instance of the real service, started in this JVM on random ports against a given Consul agent. */
final class WebInstance implements AutoCloseable {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

	private final ConfigurableApplicationContext context;

	private WebInstance(ConfigurableApplicationContext context) {
		this.context = context;
	}

	static WebInstance start(int consulPort, String... extraProperties) {
		// A real management port: Spring Cloud Consul builds the check URL from the configured
		// value, so 0 ("random") would give an invalid check.
		List<String> properties = new ArrayList<>(List.of("server.port=0", "management.server.port=" + freePort(),
				"spring.cloud.consul.host=localhost", "spring.cloud.consul.port=" + consulPort,
				"spring.cloud.consul.discovery.health-check-interval=1s", "app.discovery.reregister-interval=1s",
				"app.discovery.drain-period=2s"));
		properties.addAll(List.of(extraProperties));
		// Command-line arguments: they override application.yaml (builder "properties" do not).
		return new WebInstance(new SpringApplicationBuilder(WebApplication.class)
			.run(properties.stream().map((p) -> "--" + p).toArray(String[]::new)));
	}

	String instanceId() {
		return registration().getInstanceId();
	}

	String address() {
		return registration().getHost();
	}

	int port() {
		return this.context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	int managementPort() {
		return this.context.getEnvironment().getRequiredProperty("local.management.port", Integer.class);
	}

	/** HTTP status of a GET on the public port, or -1 when the connection is refused. */
	int get(String path) {
		return httpStatus(port(), path);
	}

	int getManagement(String path) {
		return httpStatus(managementPort(), path);
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		this.context.close();
	}

	private Registration registration() {
		return this.context.getBean(Registration.class);
	}

	private static int httpStatus(int port, String path) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(2))
			.build();
		try {
			return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
		}
		catch (IOException ex) {
			return -1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

}
