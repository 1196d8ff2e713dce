package org.example.web.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.example.web.WebApplication;
import org.example.web.support.Http;
import org.example.web.support.Ports;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.context.ConfigurableApplicationContext;

/** One instance of the real service, started in this JVM on random ports against a given Consul agent. */
final class WebInstance implements AutoCloseable {

	/** Shorter than the service's default, to keep the tests short; long enough to be measured. */
	static final Duration DRAIN_PERIOD = Duration.ofSeconds(2);

	private final ConfigurableApplicationContext context;

	private WebInstance(ConfigurableApplicationContext context) {
		this.context = context;
	}

	static WebInstance start(int consulPort) {
		return start(consulPort, Duration.ofSeconds(1));
	}

	/** With the agent checking its readiness every {@code checkInterval}, and more properties. */
	static WebInstance start(int consulPort, Duration checkInterval, String... extraProperties) {
		// A real management port: Spring Cloud Consul builds the check URL from the configured
		// value, so 0 ("random") would give an invalid check.
		List<String> properties = new ArrayList<>(List.of("server.port=0", "management.server.port=" + Ports.free(),
				"spring.cloud.consul.host=localhost", "spring.cloud.consul.port=" + consulPort,
				"spring.cloud.consul.discovery.health-check-interval=" + checkInterval.toMillis() + "ms",
				"app.discovery.reregister-interval=1s",
				"app.discovery.drain-period=" + DRAIN_PERIOD.toMillis() + "ms"));
		properties.addAll(List.of(extraProperties));
		// Command-line arguments: they override application.yaml (builder "properties" do not).
		return new WebInstance(new SpringApplicationBuilder(WebApplication.class)
			.run(properties.stream().map((p) -> "--" + p).toArray(String[]::new)));
	}

	/** Boot's graceful shutdown budget as configured (application.yaml: spring.lifecycle.timeout-per-shutdown-phase). */
	Duration shutdownBudget() {
		return this.context.getEnvironment().getRequiredProperty("spring.lifecycle.timeout-per-shutdown-phase", Duration.class);
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
		return Http.status("http://127.0.0.1:" + port() + path);
	}

	int getManagement(String path) {
		return Http.status("http://127.0.0.1:" + managementPort() + path);
	}

	@Override
	public void close() {
		this.context.close();
	}

	private Registration registration() {
		return this.context.getBean(Registration.class);
	}

}
