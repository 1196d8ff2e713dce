package org.example.web.discovery;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The service keeps itself registered when Consul is late, or forgets it. */
class ConsulOutageIT {

	@Test
	void startsWithoutConsulAndRegistersOnceItAnswers() {
		int consulPort = WebInstance.freePort();
		WebInstance web = WebInstance.start(consulPort);
		LocalConsul consul = LocalConsul.onHostPort(consulPort);
		try {
			assertThat(web.get("/status")).as("serves without Consul").isEqualTo(200);
			consul.start();
			await().atMost(Duration.ofSeconds(20)).until(() -> passing(consul, web));
		}
		finally {
			web.close();
			consul.stop();
		}
	}

	@Test
	void registersAgainWhenConsulLosesTheRegistration() {
		int consulPort = WebInstance.freePort();
		LocalConsul consul = LocalConsul.onHostPort(consulPort);
		consul.start();
		WebInstance web = WebInstance.start(consulPort);
		LocalConsul restarted = LocalConsul.onHostPort(consulPort);
		try {
			await().atMost(Duration.ofSeconds(15)).until(() -> passing(consul, web));

			consul.put("/v1/agent/service/deregister/" + web.instanceId());
			assertThat(consul.get("/v1/agent/services").has(web.instanceId())).isFalse();
			await().atMost(Duration.ofSeconds(15)).until(() -> passing(consul, web));

			// A restarted dev agent has forgotten every service.
			consul.stop();
			restarted.start();
			await().atMost(Duration.ofSeconds(20)).until(() -> passing(restarted, web));
		}
		finally {
			web.close();
			consul.stop();
			restarted.stop();
		}
	}

	private static boolean passing(LocalConsul consul, WebInstance web) {
		for (var entry : consul.get("/v1/health/service/web?passing=true")) {
			if (web.instanceId().equals(entry.get("Service").get("ID").asString())) {
				return true;
			}
		}
		return false;
	}

}
