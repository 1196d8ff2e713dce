package org.example.web.status;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.test.web.servlet.MockMvc;

import static org.hamcrest.Matchers.notNullValue;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@WebMvcTest(WhoAmIController.class)
class WhoAmIControllerTest {

	@Autowired
	MockMvc mvc;

	@Test
	void tellsWhichRegisteredInstanceAnswered() throws Exception {
		this.mvc.perform(get("/whoami"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.instanceId").value("web-test-1"))
			.andExpect(jsonPath("$.address").value("10.20.0.7"))
			.andExpect(jsonPath("$.hostname").value(notNullValue()))
			.andExpect(jsonPath("$.version").value(notNullValue()))
			.andExpect(jsonPath("$.startedAt").value(notNullValue()));
	}

	@Test
	void answersLateWhenAskedTo() throws Exception {
		long start = System.nanoTime();
		this.mvc.perform(get("/whoami").param("delayMs", "300")).andExpect(status().isOk());
		org.assertj.core.api.Assertions.assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(300_000_000L);
	}

	@Test
	void refusesDelaysOutOfBoundsWith400() throws Exception {
		this.mvc.perform(get("/whoami").param("delayMs", "5001")).andExpect(status().isBadRequest());
		this.mvc.perform(get("/whoami").param("delayMs", "-1")).andExpect(status().isBadRequest());
		this.mvc.perform(get("/whoami").param("delayMs", "soon")).andExpect(status().isBadRequest());
	}

	@TestConfiguration
	static class Config {

		@Bean
		Registration registration() {
			DefaultServiceInstance instance = new DefaultServiceInstance("web-test-1", "web", "10.20.0.7", 8181, false);
			return new Registration() {
				@Override
				public String getInstanceId() {
					return instance.getInstanceId();
				}

				@Override
				public String getServiceId() {
					return instance.getServiceId();
				}

				@Override
				public String getHost() {
					return instance.getHost();
				}

				@Override
				public int getPort() {
					return instance.getPort();
				}

				@Override
				public boolean isSecure() {
					return false;
				}

				@Override
				public java.net.URI getUri() {
					return instance.getUri();
				}

				@Override
				public java.util.Map<String, String> getMetadata() {
					return instance.getMetadata();
				}
			};
		}

	}

}
