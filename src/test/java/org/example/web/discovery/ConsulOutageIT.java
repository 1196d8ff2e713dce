package org.example.web.discovery;

import java.time.Duration;

import org.example.web.support.Ports;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The service keeps itself registered when Consul is late, or forgets it. */
class ConsulOutageIT {

	@Test
	void startsWithoutConsulAndRegistersOnceItAnswers() {
		int consulPort = Ports.free();
		WebInstance web = WebInstance.start(consulPort);
		LocalConsul consul = LocalConsul.onHostPort(consulPort);
		try {
			assertThat(web.get("/status")).as("serves without Consul").isEqualTo(200);
			consul.start();
			await().atMost(Duration.ofSeconds(20)).until(() -> consul.passes(web));
		}
		finally {
			web.close();
			consul.stop();
		}
	}

	@Test
	void registersAgainWhenConsulLosesTheRegistration() {
		int consulPort = Ports.free();
		LocalConsul consul = LocalConsul.onHostPort(consulPort);
		consul.start();
		WebInstance web = WebInstance.start(consulPort);
		LocalConsul restarted = LocalConsul.onHostPort(consulPort);
		try {
			await().atMost(Duration.ofSeconds(15)).until(() -> consul.passes(web));

			consul.put("/v1/agent/service/deregister/" + web.instanceId());
			assertThat(consul.holds(web)).isFalse();
			await().atMost(Duration.ofSeconds(15)).until(() -> consul.passes(web));

			// A restarted dev agent has forgotten every service.
			consul.stop();
			restarted.start();
			await().atMost(Duration.ofSeconds(20)).until(() -> restarted.passes(web));
		}
		finally {
			web.close();
			consul.stop();
			restarted.stop();
		}
	}

}
