package org.example.web.status;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.notNullValue;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@WebMvcTest(controllers = WhoAmIController.class, properties = "app.whoami.delay-enabled=true")
@Import(MadeUpRegistration.class)
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
		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
	}

	@Test
	void refusesDelaysOutOfBoundsWith400() throws Exception {
		this.mvc.perform(get("/whoami").param("delayMs", String.valueOf(WhoAmIController.MAX_DELAY_MS + 1)))
			.andExpect(status().isBadRequest());
		this.mvc.perform(get("/whoami").param("delayMs", "-1")).andExpect(status().isBadRequest());
		this.mvc.perform(get("/whoami").param("delayMs", "soon")).andExpect(status().isBadRequest());
	}

}
