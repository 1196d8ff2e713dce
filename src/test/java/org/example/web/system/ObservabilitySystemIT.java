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
 * Operators see what the system does: Prometheus follows the replicas through Consul, the
 * dashboard shows the right figures, and one request can be followed from HAProxy's log to the
 * instance's log. (Alerts: AlertingSystemIT.)
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
						PrometheusApi.webScrapeInterval()));
		stack.reset();
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
	void dashboardShowsTheLiveFiguresAndAnErrorBudget(SwarmStack stack) throws Exception {
		stack.awaitServersUp(SwarmStack.REPLICAS, Duration.ofMinutes(1));
		// Some traffic, so that rates and latencies have values.
		try (Scenario scenario = Scenario.underLoad(Duration.ofSeconds(30))) {
			scenario.finishAfter(Duration.ofSeconds(20)).assertNoneFailed();
		}
		List<String> chromium = List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
				"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--user-data-dir=" + Files.createTempDirectory("chromium"), "--virtual-time-budget=15000");
		// A replacement is served by HAProxy before Prometheus' first scrape of it (15 s): wait for
		// every live instance to be an up target, and for the error budget (recorded once a minute)
		// to be a number: on a Prometheus with no data yet, its first evaluation can be NaN (no
		// answer counted yet), which the dashboard shows as "no traffic yet" (its query: > -Inf).
		int live = stack.webContainers().size();
		await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).ignoreExceptions().until(() ->
				PrometheusApi.webTargetsUp().size() == live
						&& PrometheusApi.resultSize("web:error_budget_remaining:30d > -Inf") == 1);
		List<String> instances;
		String dom;
		// The operator port needs the operators' password: Chromium gets it through a local forwarder.
		try (OperatorProxy operator = new OperatorProxy()) {
			String url = operator.url("/prometheus/consoles/web.html");
			dom = Shell.run(Duration.ofMinutes(2), with(chromium, "--dump-dom", url));
			instances = webTargetsUp();
			Files.createDirectories(Report.DASHBOARD.getParent());
			Shell.run(Duration.ofMinutes(2),
					with(chromium, "--window-size=1400,2600", "--screenshot=" + Report.DASHBOARD, url));
		}
		Map<String, String> cells = DashboardCells.of(dom);
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("screenshot", Report.DASHBOARD.toString());
		figures.put("instancesOnDashboard", instances);
		figures.put("liveInstances", live);
		figures.put("figuresOnDashboard", cells);
		Report.write("dashboard", figures);

		assertThat(Report.DASHBOARD).isNotEmptyFile();
		assertThat(instances).hasSize(live);
		assertThat(dom).contains(instances.toArray(String[]::new));
		// Figures of live things only: no dead instance, no series of a former run counted twice.
		assertThat(cells).containsEntry("web-instances-up", live + " / " + live)
			.containsEntry("web-desired", String.valueOf(SwarmStack.REPLICAS))
			.containsEntry("haproxy-servers-up", String.valueOf(live))
			.containsEntry("consul-servers-up", SwarmStack.CONSUL_SERVERS + " / " + SwarmStack.CONSUL_SERVERS)
			.containsEntry("alerts-firing", "0");
		assertThat(cells.get("error-budget-left")).as("error budget left").matches("-?[0-9.]+%");
		assertThat(dom).contains("id=\"error-budget\"");
	}

	/** Consul service ids (Prometheus "instance" label) of the web targets that are up. */
	static List<String> webTargetsUp() {
		return PrometheusApi.webTargetsUp();
	}

	private static String[] with(List<String> command, String... more) {
		List<String> all = new ArrayList<>(command);
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

}
