package org.example.web.system;

import java.time.Duration;

import org.example.web.support.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SwarmStackTest {

	@Test
	void drainPeriodFromTheStacksEnvironmentWhenItSetsOne() {
		assertThat(SwarmStack.drainPeriod(Json.read("""
				["CONSUL_HOST=127.0.0.1", "APP_DISCOVERY_DRAIN_PERIOD=8s", "SPRING_X=1"]""")))
			.isEqualTo(Duration.ofSeconds(8));
	}

	@Test
	void elseTheDefaultOfApplicationYaml() {
		Duration fromYaml = SwarmStack.drainPeriod(Json.read("null"));
		assertThat(fromYaml).isPositive();
		assertThat(SwarmStack.drainPeriod(Json.read("[\"CONSUL_HOST=127.0.0.1\"]"))).isEqualTo(fromYaml);
	}

}
