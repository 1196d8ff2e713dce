package org.example.web.support;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class WhoAmITest {

	@Test
	void readsHostnameAndVersionOfAnAnswer() {
		String body = """
				{"instanceId":"web-a1b2-1234abcd","hostname":"a1b2c3d4e5f6","address":"10.231.0.7",
				 "version":"2.0.0","startedAt":"2026-11-25T10:00:00Z"}""";
		assertThat(WhoAmI.parse(body)).contains(new WhoAmI("a1b2c3d4e5f6", "2.0.0"));
		assertThat(WhoAmI.hostnameIn(body)).isEqualTo("a1b2c3d4e5f6");
	}

	@Test
	void anythingElseIsNoInstance() {
		assertThat(WhoAmI.parse("<html><body><h1>503 Service Unavailable</h1></body></html>")).isEmpty();
		assertThat(WhoAmI.parse("{\"status\":404,\"error\":\"Not Found\"}")).isEmpty();
		assertThat(WhoAmI.parse("")).isEmpty();
		assertThat(WhoAmI.parse(null)).isEmpty();
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> WhoAmI.hostnameIn("OK\n"));
	}

	@Test
	void aMissingVersionIsNull() {
		assertThat(WhoAmI.parse("{\"hostname\":\"h\"}")).contains(new WhoAmI("h", null));
	}

}
