package org.example.web.system;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.example.web.support.Http;
import org.example.web.support.Project;
import org.example.web.support.Shell;
import org.example.web.support.WhoAmI;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A plain {@code ./mvnw jib:dockerBuild} after the set-up makes an image that runs in the stack:
 * the pom's default base is the project's own (docker://local/jre:25, with the Consul agent the
 * launcher starts), so no registry and no script is needed. The web service rolls to that image,
 * HAProxy serves every replica from it, Consul lists them passing; then it rolls back to web:latest.
 */
@SystemTest
class PlainJibBuildSystemIT {

	/** The tag of the plain build: its own, so that web:latest and web:VERSION stay as the set-up made them. */
	static final String TAG = "plain-jib";

	static final Duration UPDATE_TIMEOUT = Duration.ofMinutes(5);

	@Test
	void thePlainJibBuildRunsInTheStack(SwarmStack stack) {
		stack.reset();
		// Offline (-o): everything the build needs is in the local Maven repository after the set-up.
		// jib.to.tags replaces the pom's extra tag (latest), which this build must not move.
		Shell.run(Duration.ofMinutes(5), Map.of("JAVA_HOME", System.getProperty("java.home")),
				Project.ROOT.resolve("mvnw").toString(), "-q", "-B", "-o", "-f", Project.ROOT.resolve("pom.xml").toString(),
				"jib:dockerBuild", "-Djib.to.image=web:" + TAG, "-Djib.to.tags=" + TAG);
		try {
			stack.updateWebImage(TAG, "completed", UPDATE_TIMEOUT);
			stack.awaitServersUp(SwarmStack.REPLICAS, Duration.ofMinutes(1));
			await("every running web container to run web:" + TAG).atMost(Duration.ofMinutes(1))
				.untilAsserted(() -> assertThat(stack.webContainers()).hasSize(SwarmStack.REPLICAS)
					.allSatisfy((container) -> assertThat(imageOf(container)).startsWith("web:" + TAG)));
			List<String> containers = stack.webContainers();

			Set<String> answering = new TreeSet<>();
			for (int i = 0; i < 10 * SwarmStack.REPLICAS; i++) {
				answering.add(WhoAmI.hostnameIn(Http.get(Endpoints.WHOAMI).body()));
			}
			assertThat(answering).as("instances answering /whoami through HAProxy").containsExactlyInAnyOrderElementsOf(containers);
			await("Consul to list every replica passing").atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(stack.passingInConsulCatalog()).isEqualTo(SwarmStack.REPLICAS));
		}
		finally {
			stack.updateWebImage("latest", "completed", UPDATE_TIMEOUT);
			stack.awaitServersUp(SwarmStack.REPLICAS, Duration.ofMinutes(1));
		}
	}

	private static String imageOf(String container) {
		return Shell.run("docker", "inspect", "-f", "{{.Config.Image}}", container).strip();
	}

}
