package org.example.web.system;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.example.web.support.Http;
import org.example.web.support.Json;
import org.example.web.support.Shell;
import org.example.web.support.Timing;
import org.example.web.support.WhoAmI;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Operators see what the system does: Prometheus follows the replicas through Consul, an
 * instance-down alert fires, the dashboard has data, and one request can be followed from
 * HAProxy's log to the instance's log.
 */
@SystemTest
class ObservabilitySystemIT {

	@Test
	@Order(1)
	void prometheusScrapesEveryReplicaAndFollowsScaling(SwarmStack stack) {
		stack.reset();
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(webTargetsUp())
			.hasSize(SwarmStack.REPLICAS)
			.allSatisfy((id) -> assertThat(stack.webContainers()).anySatisfy((c) -> assertThat(id).contains(c))));

		stack.scale(5);
		stack.awaitServersUp(5, Duration.ofMinutes(2));
		long servedAt = Timing.now();
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> webTargetsUp().size() == 5);
		Report.write("prometheus follows scale-out 3->5",
				Map.of("secondsFromHaproxyServingTo5TargetsUp", Timing.secondsSince(servedAt), "scrapeInterval",
						webScrapeInterval()));
		stack.reset();
	}

	@Test
	@Order(2)
	void instanceDownAlertFiresForAKilledInstance(SwarmStack stack) {
		stack.reset();
		String victim = stack.webContainers().get(0);
		long killedAt = Timing.now();
		Shell.run("docker", "kill", victim);
		await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() -> firing("WebInstanceDown", victim));
		Report.write("alert WebInstanceDown",
				Map.of("killed", victim, "secondsToFiring", Timing.secondsSince(killedAt), "ruleFor", "1m"));
		stack.awaitServersUp(SwarmStack.REPLICAS, Duration.ofMinutes(2));
	}

	/**
	 * HAProxy logs every request (the logs service); an instance logs only its failed and slow
	 * requests (app.request-log.slow-threshold, 500 ms): a request of 600 ms is in both logs.
	 */
	@Test
	@Order(3)
	void oneRequestCanBeFollowedFromHaproxyToTheInstance(SwarmStack stack) {
		var response = Http.get(Endpoints.WHOAMI + "?delayMs=600");
		assertThat(response.statusCode()).isEqualTo(200);
		String requestId = response.headers().firstValue("X-Request-ID").orElseThrow();
		String host = WhoAmI.hostnameIn(response.body());
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
			assertThat(stack.requestLogLine(requestId)).hasValueSatisfying((line) -> assertThat(line)
				.contains("instance=" + host + " ", " 200 ", "\"GET /whoami?delayMs=600 "));
			JsonNode log = Shell.run("docker", "logs", host)
				.lines()
				.map(ServiceLogLine::parse)
				.flatMap(Optional::stream)
				.map(ServiceLogLine::json)
				.filter((line) -> requestId.equals(line.path("requestId").asString(null)))
				.findFirst()
				.orElseThrow();
			assertThat(log.get("message").asString()).startsWith("GET /whoami 200");
			assertThat(log.path("event").path("reason").asString()).isEqualTo("slow");
			assertThat(log.path("http").path("response").path("status_code").asInt()).isEqualTo(200);
			assertThat(log.path("event").path("duration").asLong()).as("nanoseconds").isGreaterThanOrEqualTo(600_000_000L);
			assertThat(log.get("service").get("node").get("name").asString()).isEqualTo(host);
			assertThat(log.get("service").get("version").asString()).isNotBlank();
		});
	}

	@Test
	@Order(4)
	void dashboardShowsEveryInstanceWithData(SwarmStack stack) throws Exception {
		stack.awaitServersUp(SwarmStack.REPLICAS, Duration.ofMinutes(1));
		// Some traffic, so that rates and latencies have values.
		try (Scenario scenario = Scenario.underLoad(Duration.ofSeconds(30))) {
			scenario.finishAfter(Duration.ofSeconds(20)).assertNoneFailed();
		}
		List<String> chromium = List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
				"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--user-data-dir=" + Files.createTempDirectory("chromium"), "--virtual-time-budget=15000");
		List<String> instances;
		// The operator port needs the operators' password: Chromium gets it through a local forwarder.
		try (OperatorProxy operator = new OperatorProxy()) {
			String url = operator.url("/prometheus/consoles/web.html");
			String dom = Shell.run(Duration.ofMinutes(2), with(chromium, "--dump-dom", url));
			instances = webTargetsUp();
			assertThat(instances).hasSize(SwarmStack.REPLICAS);
			assertThat(dom).contains(instances.toArray(String[]::new));
			Files.createDirectories(Report.DASHBOARD.getParent());
			Shell.run(Duration.ofMinutes(2),
					with(chromium, "--window-size=1400,2200", "--screenshot=" + Report.DASHBOARD, url));
		}
		assertThat(Report.DASHBOARD).isNotEmptyFile();
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("screenshot", Report.DASHBOARD.toString());
		figures.put("instancesOnDashboard", instances);
		Report.write("dashboard", figures);
	}

	/** Consul service ids (Prometheus "instance" label) of the web targets that are up. */
	static List<String> webTargetsUp() {
		return prometheus("/api/v1/targets?state=active").get("activeTargets")
			.valueStream()
			.filter((t) -> t.get("labels").get("job").asString().equals("web") && t.get("health").asString().equals("up"))
			.map((t) -> t.get("labels").get("instance").asString())
			.sorted()
			.toList();
	}

	/** The scrape interval of the web targets, as Prometheus applies it (prometheus/prometheus.yml). */
	static String webScrapeInterval() {
		return prometheus("/api/v1/targets?state=active").get("activeTargets")
			.valueStream()
			.filter((t) -> t.get("labels").get("job").asString().equals("web"))
			.map((t) -> t.path("scrapeInterval").asString())
			.findFirst()
			.orElse("unknown");
	}

	static boolean firing(String alert, String instanceContains) {
		return prometheus("/api/v1/alerts").get("alerts")
			.valueStream()
			.anyMatch((a) -> a.get("labels").get("alertname").asString().equals(alert)
					&& a.get("state").asString().equals("firing")
					&& a.get("labels").path("instance").asString("").contains(instanceContains));
	}

	/** The "data" of an answer of Prometheus's HTTP API. */
	private static JsonNode prometheus(String path) {
		return Json.read(Credentials.getAsOperator(Endpoints.PROMETHEUS + path).body()).get("data");
	}

	private static String[] with(List<String> command, String... more) {
		List<String> all = new ArrayList<>(command);
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

}
