package org.example.web.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Operators see what the system does: Prometheus follows the replicas through Consul, an
 * instance-down alert fires, the dashboard has data, and one request can be followed from
 * HAProxy's log to the instance's log.
 */
@ExtendWith(DeployedStack.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilitySystemIT {

	static final String PROMETHEUS = "http://127.0.0.1:9090";

	static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	@Order(1)
	void prometheusScrapesEveryReplicaAndFollowsScaling(SwarmStack stack) {
		stack.scaleAndWait(3);
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(webTargetsUp())
			.hasSize(3)
			.allSatisfy((id) -> assertThat(stack.webContainers()).anySatisfy((c) -> assertThat(id).contains(c))));

		stack.scale(5);
		stack.awaitServersUp(5, Duration.ofMinutes(2));
		long servedAt = System.currentTimeMillis();
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> webTargetsUp().size() == 5);
		double seconds = (System.currentTimeMillis() - servedAt) / 1000.0;
		Report.write("prometheus follows scale-out 3->5",
				Map.of("secondsFromHaproxyServingTo5TargetsUp", seconds, "scrapeIntervalSeconds", 5));
		stack.scaleAndWait(3);
	}

	@Test
	@Order(2)
	void instanceDownAlertFiresForAKilledInstance(SwarmStack stack) {
		stack.scaleAndWait(3);
		String victim = stack.webContainers().get(0);
		long killedAt = System.currentTimeMillis();
		Shell.run("docker", "kill", victim);
		await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() -> firing("WebInstanceDown", victim));
		Report.write("alert WebInstanceDown", Map.of("killed", victim, "secondsToFiring",
				(System.currentTimeMillis() - killedAt) / 1000.0, "ruleFor", "1m"));
		stack.awaitServersUp(3, Duration.ofMinutes(2));
	}

	@Test
	@Order(3)
	void oneRequestCanBeFollowedFromHaproxyToTheInstance(SwarmStack stack) {
		var response = SwarmStack.get(SwarmStack.PUBLIC + "/whoami");
		String requestId = response.headers().firstValue("X-Request-ID").orElseThrow();
		String host = response.body().replaceAll(".*\"hostname\":\"([^\"]+)\".*", "$1");
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			assertThat(Shell.run("docker", "service", "logs", "--raw", SwarmStack.STACK + "_haproxy"))
				.contains("rid=" + requestId);
			String line = Shell.run("docker", "logs", host)
				.lines()
				.filter((l) -> l.contains(requestId))
				.findFirst()
				.orElseThrow();
			JsonNode log = JSON.readTree(line);
			assertThat(log.get("requestId").asString()).isEqualTo(requestId);
			assertThat(log.get("message").asString()).startsWith("GET /whoami 200");
			assertThat(log.get("service").get("node").get("name").asString()).isEqualTo(host);
			assertThat(log.get("service").get("version").asString()).isNotBlank();
		});
	}

	@Test
	@Order(4)
	void dashboardShowsEveryInstanceWithData(SwarmStack stack) throws Exception {
		stack.awaitServersUp(3, Duration.ofMinutes(1));
		// Some traffic, so that rates and latencies have values.
		LoadSummary load = LoadDriver.start(SwarmStack.PUBLIC + "/whoami", 40, Duration.ofSeconds(30)).stopAfter(Duration.ofSeconds(20));
		assertThat(load.failed()).isZero();
		String url = PROMETHEUS + "/consoles/web.html";
		List<String> chromium = List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
				"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--user-data-dir=" + Files.createTempDirectory("chromium"), "--virtual-time-budget=15000");
		String dom = Shell.run(Duration.ofMinutes(2), concat(chromium, "--dump-dom", url));
		List<String> instances = webTargetsUp();
		assertThat(instances).hasSize(3);
		assertThat(dom).contains(instances.toArray(String[]::new));
		Path screenshot = Path.of(System.getProperty("project.root", "."), "target", "reports", "dashboard.png");
		Files.createDirectories(screenshot.getParent());
		Shell.run(Duration.ofMinutes(2),
				concat(chromium, "--window-size=1400,2200", "--screenshot=" + screenshot.toAbsolutePath(), url));
		assertThat(screenshot).isNotEmptyFile();
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("screenshot", screenshot.toString());
		figures.put("instancesOnDashboard", instances);
		Report.write("dashboard", figures);
	}

	/** Consul service ids (Prometheus "instance" label) of the web targets that are up. */
	static List<String> webTargetsUp() {
		JsonNode targets = JSON.readTree(SwarmStack.get(PROMETHEUS + "/api/v1/targets?state=active").body());
		return targets.get("data")
			.get("activeTargets")
			.valueStream()
			.filter((t) -> t.get("labels").get("job").asString().equals("web") && t.get("health").asString().equals("up"))
			.map((t) -> t.get("labels").get("instance").asString())
			.sorted()
			.toList();
	}

	static boolean firing(String alert, String instanceContains) {
		JsonNode alerts = JSON.readTree(SwarmStack.get(PROMETHEUS + "/api/v1/alerts").body());
		return alerts.get("data")
			.get("alerts")
			.valueStream()
			.anyMatch((a) -> a.get("labels").get("alertname").asString().equals(alert)
					&& a.get("state").asString().equals("firing")
					&& a.get("labels").path("instance").asString("").contains(instanceContains));
	}

	private static String[] concat(List<String> head, String... tail) {
		return java.util.stream.Stream.concat(head.stream(), java.util.Arrays.stream(tail)).toArray(String[]::new);
	}

}
