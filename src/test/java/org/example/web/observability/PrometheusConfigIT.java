package org.example.web.observability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.example.web.support.Project;
import org.example.web.support.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks prometheus/ (prometheus.yml, alerts.yml, alerts.test.yml) with promtool, in the same
 * Prometheus image the stack runs (local/prometheus:2.53, built by
 * deploy/images/build-base-images.sh): the configuration and the rules load, and every alert
 * rule passes its unit tests. promtool's output goes to target/reports/alert-rule-tests.txt.
 * <p>
 * The container has no network: the discovery targets (file_sd, tasks.haproxy, tasks.consul)
 * are not resolved by a check, only validated.
 */
class PrometheusConfigIT {

	private static final String IMAGE = System.getProperty("prometheus.image", "local/prometheus:2.53");

	private static final Path REPORT = Project.REPORTS.resolve("alert-rule-tests.txt");

	private static final List<String> report = new ArrayList<>();

	@BeforeAll
	static void imageIsBuilt() {
		Shell.Result inspect = Shell.tryRun(Duration.ofSeconds(30), "docker", "image", "inspect", "--format", "{{.Id}}", IMAGE);
		assertThat(inspect.exitCode())
			.as("image %s is missing: build it with deploy/images/build-base-images.sh prometheus", IMAGE)
			.isZero();
	}

	@Test
	void configurationLoads() {
		assertSucceeds(promtool("check", "config", "prometheus.yml"));
	}

	@Test
	void rulesLoad() {
		assertSucceeds(promtool("check", "rules", "alerts.yml"));
	}

	@Test
	void alertRulesPassTheirUnitTests() {
		assertSucceeds(promtool("test", "rules", "alerts.test.yml"));
	}

	private static Path placeholderToken() {
		try {
			Path token = Project.ROOT.resolve("target").resolve("promtool-placeholder.token");
			Files.createDirectories(token.getParent());
			Files.writeString(token, "00000000-0000-0000-0000-000000000000\n");
			return token;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@AfterAll
	static void writeReport() throws IOException {
		Files.createDirectories(REPORT.getParent());
		Files.writeString(REPORT, String.join("\n", report), StandardCharsets.UTF_8);
	}

	private static void assertSucceeds(Shell.Result promtool) {
		assertThat(promtool.exitCode()).as(promtool.output()).isZero();
		assertThat(promtool.output()).contains("SUCCESS");
	}

	/**
	 * promtool ARGS in the image, with prometheus/ as its (read-only) working directory. The
	 * configuration names the token file the stack mounts (a swarm secret); promtool checks that it
	 * exists, so a placeholder stands in for it.
	 */
	private static Shell.Result promtool(String... args) {
		List<String> command = new ArrayList<>(List.of("docker", "run", "--rm", "--network", "none", "-v",
				Project.ROOT.resolve("prometheus") + ":/etc/prometheus:ro", "-v",
				placeholderToken() + ":/run/secrets/prometheus.token:ro", "-w", "/etc/prometheus", "--entrypoint",
				"promtool", IMAGE));
		command.addAll(List.of(args));
		Shell.Result result = Shell.tryRun(Duration.ofSeconds(120), command.toArray(String[]::new));
		synchronized (report) {
			report.add("$ promtool " + String.join(" ", args) + "   (exit code " + result.exitCode() + ")\n"
					+ result.output().strip() + "\n");
		}
		return result;
	}

}
