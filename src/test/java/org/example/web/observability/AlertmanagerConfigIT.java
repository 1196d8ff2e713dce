package org.example.web.observability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.example.web.support.Json;
import org.example.web.support.Project;
import org.example.web.support.Shell;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Checks alertmanager/alertmanager.yml with amtool in the image the stack runs
 * (local/alertmanager:0.28, deploy/images/alertmanager.sh): the configuration loads, alerts
 * reach the webhook receiver, and a running Alertmanager with it holds back the instance and
 * capacity alerts while ConsulNoLeader fires (README, Observability), and the slow burn of
 * WebErrorBudgetBurn while its fast burn fires. Grouping was checked
 * against a running Alertmanager by hand (docs/alerting-wiring.md).
 */
class AlertmanagerConfigIT {

	private static final String IMAGE = System.getProperty("alertmanager.image", "local/alertmanager:0.28");

	@BeforeAll
	static void imageIsBuilt() {
		Shell.Result inspect = Shell.tryRun(Duration.ofSeconds(30), "docker", "image", "inspect", "--format", "{{.Id}}", IMAGE);
		assertThat(inspect.exitCode())
			.as("image %s is missing: build it with deploy/images/build-base-images.sh alertmanager", IMAGE)
			.isZero();
	}

	@Test
	void configurationLoads() {
		Shell.Result check = amtool("check-config", "/etc/alertmanager/alertmanager.yml");
		assertThat(check.exitCode()).as(check.output()).isZero();
		assertThat(check.output()).contains("SUCCESS").contains("2 inhibit rules").contains("1 receivers");
	}

	@Test
	void everyAlertGoesToTheWebhook() {
		for (String labels : List.of("alertname=WebInstanceDown instance=web-a1b2c3-0001",
				"alertname=HAProxyBackendsBelowDesired", "alertname=ConsulNoLeader", "alertname=SomethingNew")) {
			List<String> args = new ArrayList<>(List.of("config", "routes", "test", "--config.file",
					"/etc/alertmanager/alertmanager.yml", "--verify.receivers=webhook"));
			args.addAll(List.of(labels.split(" ")));
			Shell.Result route = amtool(args.toArray(String[]::new));
			assertThat(route.exitCode()).as(labels + ": " + route.output()).isZero();
		}
	}

	@Test
	void withoutAConsulLeaderTheInstanceAndCapacityAlertsAreHeldBackAndAFastBurnHoldsBackItsSlowOne() throws IOException {
		Path webhook = Files.createTempFile("alert-webhook-url", "");
		String name = "alertmanager-inhibit-it-" + ProcessHandle.current().pid();
		try {
			// Nothing listens there: the notifications fail, which does not change what is held back.
			Files.writeString(webhook, "http://127.0.0.1:9/\n");
			Files.setPosixFilePermissions(webhook, PosixFilePermissions.fromString("rw-r--r--"));
			Shell.run(Duration.ofSeconds(60), "docker", "run", "-d", "--rm", "--name", name, "--network", "none",
					"--read-only", "--tmpfs", "/tmp", "-v", Project.ROOT.resolve("alertmanager") + ":/etc/alertmanager:ro",
					"-v", webhook + ":/run/secrets/alert-webhook-url:ro", IMAGE, "--config.file=/etc/alertmanager/alertmanager.yml",
					"--storage.path=/tmp/alertmanager", "--cluster.listen-address=");
			for (String labels : List.of("alertname=ConsulNoLeader", "alertname=WebInstanceDown instance=web-a1b2c3-0001",
					"alertname=HAProxyBackendsBelowDesired", "alertname=WebDesiredReplicasUnknown", "alertname=WebHigh5xxRatio",
					"alertname=WebErrorBudgetBurn severity=critical", "alertname=WebErrorBudgetBurn severity=warning")) {
				await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
					.until(() -> amtoolIn(name, ("alert add " + labels).split(" ")).exitCode() == 0);
			}
			// Inhibited: in the API's answer for suppressed alerts once the inhibition is evaluated.
			await("WebInstanceDown, HAProxyBackendsBelowDesired, WebDesiredReplicasUnknown and the warning of WebErrorBudgetBurn held back, nothing else")
				.atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofSeconds(1))
				.until(() -> alertNames(name, "--inhibited", "--no-active"),
						(held) -> held.equals(List.of("HAProxyBackendsBelowDesired", "WebDesiredReplicasUnknown",
								"WebErrorBudgetBurn warning", "WebInstanceDown")));
			assertThat(alertNames(name, "--active")).containsExactly("ConsulNoLeader", "WebErrorBudgetBurn critical",
					"WebHigh5xxRatio");
		}
		finally {
			Shell.tryRun(Duration.ofSeconds(30), "docker", "rm", "-f", name);
			Files.deleteIfExists(webhook);
		}
	}

	/**
	 * The alerts that `amtool alert query FILTERS` lists, sorted: their names, followed by their
	 * severity where they have one.
	 */
	private static List<String> alertNames(String container, String... filters) {
		List<String> args = new ArrayList<>(List.of("alert", "query", "-o", "json"));
		args.addAll(List.of(filters));
		Shell.Result query = amtoolIn(container, args.toArray(String[]::new));
		assertThat(query.exitCode()).as(query.output()).isZero();
		return Json.read(query.output()).valueStream()
			.map((alert) -> (alert.path("labels").path("alertname").asString() + " "
					+ alert.path("labels").path("severity").asString("")).strip())
			.sorted()
			.toList();
	}

	/** amtool ARGS inside the running Alertmanager CONTAINER, against that Alertmanager. */
	private static Shell.Result amtoolIn(String container, String... args) {
		List<String> command = new ArrayList<>(List.of("docker", "exec", container, "amtool",
				"--alertmanager.url=http://127.0.0.1:9093"));
		command.addAll(List.of(args));
		return Shell.tryRun(Duration.ofSeconds(30), command.toArray(String[]::new));
	}

	/** amtool ARGS in the image, with alertmanager/ mounted read-only where the stack mounts it. */
	private static Shell.Result amtool(String... args) {
		List<String> command = new ArrayList<>(List.of("docker", "run", "--rm", "--network", "none", "-v",
				Project.ROOT.resolve("alertmanager") + ":/etc/alertmanager:ro", "--entrypoint", "amtool", IMAGE));
		command.addAll(List.of(args));
		return Shell.tryRun(Duration.ofSeconds(60), command.toArray(String[]::new));
	}

}
