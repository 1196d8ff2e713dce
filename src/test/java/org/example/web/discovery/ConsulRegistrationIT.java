package org.example.web.discovery;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.example.web.support.Project;
import org.example.web.support.Timing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Registration of real service instances with a real Consul 1.8.7 agent. */
class ConsulRegistrationIT {

	static final LocalConsul consul = new LocalConsul();

	@BeforeAll
	static void startConsul() {
		consul.start();
	}

	@AfterAll
	static void stopConsul() {
		consul.stop();
	}

	@Test
	void registersWithItsIdAddressPortAndReadinessCheck() throws Exception {
		try (WebInstance web = WebInstance.start(consul.httpPort())) {
			await().atMost(Duration.ofSeconds(15)).until(() -> consul.holds(web));
			JsonNode service = consul.get("/v1/agent/services").get(web.instanceId());
			assertThat(service.get("Service").asString()).isEqualTo(LocalConsul.SERVICE);
			assertThat(service.get("Address").asString()).isEqualTo(web.address());
			assertThat(service.get("Port").asInt()).isEqualTo(web.port());
			assertThat(service.get("Meta").get("version").asString()).isEqualTo(Project.VERSION);
			assertThat(service.get("Tags").toString()).contains("version=" + Project.VERSION);

			await().atMost(Duration.ofSeconds(15))
				.untilAsserted(() -> assertThat(check(web).get("Status").asString()).isEqualTo("passing"));
			// The check is the readiness endpoint, run by the agent: its output, in the agent's own
			// state (the catalog gets an output that changes without the status only every 5 min).
			await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
					consul.get("/v1/agent/checks").get("service:" + web.instanceId()).get("Output").asString())
				.contains(web.address() + ":" + web.managementPort() + "/actuator/health/readiness"));

			List<Record> srv = consul.srv(LocalConsul.SERVICE + ".service.consul.");
			assertThat(srv).singleElement().isInstanceOf(SRVRecord.class);
			SRVRecord record = (SRVRecord) srv.get(0);
			assertThat(record.getPort()).isEqualTo(web.port());
			assertThat(consul.lookup(record.getTarget(), Type.A)).as("A record of %s", record.getTarget())
				.singleElement()
				.extracting((a) -> ((ARecord) a).getAddress().getHostAddress())
				.isEqualTo(web.address());
		}
	}

	/**
	 * Consul lists the instance passing as soon as it is ready, not one check interval later
	 * (RegisterWhenReady). The agent runs its own first check at a random moment within the
	 * interval, 10 minutes here, so the status seen right after start-up is the one the instance set.
	 */
	@Test
	void isPassingInConsulAsSoonAsItIsReady() {
		try (WebInstance web = WebInstance.start(consul.httpPort(), Duration.ofMinutes(10))) {
			await().atMost(Duration.ofSeconds(2))
				.untilAsserted(() -> assertThat(check(web).get("Status").asString()).isEqualTo("passing"));
		}
	}

	/**
	 * Passing from the first moment only when the readiness check would pass: an instance whose
	 * readiness group also requires 1000 TB of free disk (the broken version of ZeroLossSystemIT)
	 * finishes its start-up and registers, but critical, so it is never in the DNS answer.
	 */
	@Test
	void anInstanceWhoseReadinessIsDownRegistersCritical() {
		try (WebInstance web = WebInstance.start(consul.httpPort(), Duration.ofMinutes(10),
				"management.endpoint.health.group.readiness.include=readinessState,diskSpace",
				"management.health.diskspace.threshold=1000TB")) {
			assertThat(web.getManagement("/actuator/health/readiness")).isEqualTo(503);
			// Its own check runs at a random moment within 10 minutes: the status is the initial one.
			await().atMost(Duration.ofSeconds(15))
				.untilAsserted(() -> assertThat(check(web).get("Status").asString()).isEqualTo("critical"));
		}
	}

	@Test
	void twoInstancesGetTwoRegistrations() throws Exception {
		try (WebInstance first = WebInstance.start(consul.httpPort());
				WebInstance second = WebInstance.start(consul.httpPort())) {
			assertThat(first.instanceId()).isNotEqualTo(second.instanceId());
			await().atMost(Duration.ofSeconds(15)).until(() -> consul.passing().size() == 2);
			assertThat(consul.srv(LocalConsul.SERVICE + ".service.consul."))
				.extracting((r) -> ((SRVRecord) r).getPort())
				.containsExactlyInAnyOrder(first.port(), second.port());
		}
	}

	@Test
	void deregistersBeforeTheWebServerStopsAccepting() throws Exception {
		WebInstance web = WebInstance.start(consul.httpPort());
		await().atMost(Duration.ofSeconds(15)).until(() -> consul.holds(web));
		Duration shutdownBudget = web.shutdownBudget();
		long started = Timing.now();
		CompletableFuture<Void> closing = CompletableFuture.runAsync(web::close);

		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> !consul.holds(web));
		// The moment Consul no longer lists it, the instance still serves, and says it is not ready.
		int statusWhenDeregistered = web.get("/status");
		int readinessWhenDeregistered = web.getManagement("/actuator/health/readiness");

		closing.get(30, TimeUnit.SECONDS);
		long stopMillis = Timing.now() - started;
		assertThat(statusWhenDeregistered).isEqualTo(200);
		assertThat(readinessWhenDeregistered).isEqualTo(503);
		assertThat(web.get("/status")).as("refused once stopped").isEqualTo(-1);
		// README: drain, then Boot's graceful shutdown, within its budget.
		assertThat(stopMillis).as("stop took the drain period (%s), and at most %s more", WebInstance.DRAIN_PERIOD, shutdownBudget)
			.isBetween(WebInstance.DRAIN_PERIOD.toMillis(), WebInstance.DRAIN_PERIOD.plus(shutdownBudget).toMillis());
	}

	/** The instance's check in the catalog (an AssertionError until it is there). */
	private static JsonNode check(WebInstance web) {
		return consul.get("/v1/health/checks/" + LocalConsul.SERVICE)
			.valueStream()
			.filter((check) -> web.instanceId().equals(check.get("ServiceID").asString()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no check for " + web.instanceId()));
	}

}
