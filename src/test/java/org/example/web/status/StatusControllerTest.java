package org.example.web.status;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.servlet.MockMvc;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@WebMvcTest(StatusController.class)
class StatusControllerTest {

	@Autowired
	MockMvc mvc;

	@Test
	void statusAnswersOkAsPlainText() throws Exception {
		this.mvc.perform(get("/status"))
			.andExpect(status().isOk())
			.andExpect(content().contentTypeCompatibleWith("text/plain"))
			.andExpect(content().string("OK\n"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "POST", "PUT", "PATCH", "DELETE" })
	void methodsThatWouldChangeSomethingAreRefusedWith405(String method) throws Exception {
		this.mvc.perform(request(HttpMethod.valueOf(method), "/status")).andExpect(status().isMethodNotAllowed());
	}

	@Test
	void unknownPathsAre404() throws Exception {
		this.mvc.perform(get("/actuator/health")).andExpect(status().isNotFound());
		this.mvc.perform(get("/nothing-here")).andExpect(status().isNotFound());
	}

}
