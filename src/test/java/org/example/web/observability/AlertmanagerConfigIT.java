package org.example.web.observability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.example.web.support.Project;
import org.example.web.support.Shell;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks alertmanager/alertmanager.yml with amtool in the image the stack runs
 * (local/alertmanager:0.28, deploy/images/alertmanager.sh): the configuration loads, and alerts
 * reach the webhook receiver. Grouping and inhibition cannot be tested offline by amtool: they
 * were checked against a running Alertmanager (docs/alerting-wiring.md).
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
		assertThat(check.output()).contains("SUCCESS").contains("1 inhibit rules").contains("1 receivers");
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

	/** amtool ARGS in the image, with alertmanager/ mounted read-only where the stack mounts it. */
	private static Shell.Result amtool(String... args) {
		List<String> command = new ArrayList<>(List.of("docker", "run", "--rm", "--network", "none", "-v",
				Project.ROOT.resolve("alertmanager") + ":/etc/alertmanager:ro", "--entrypoint", "amtool", IMAGE));
		command.addAll(List.of(args));
		return Shell.tryRun(Duration.ofSeconds(60), command.toArray(String[]::new));
	}

}
