package org.example.web.status;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.test.web.servlet.MockMvc;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
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

	@Test
	void otherMethodsAreRefusedWith405() throws Exception {
		this.mvc.perform(post("/status")).andExpect(status().isMethodNotAllowed());
	}

	@Test
	void unknownPathsAre404() throws Exception {
		this.mvc.perform(get("/actuator/health")).andExpect(status().isNotFound());
		this.mvc.perform(get("/nothing-here")).andExpect(status().isNotFound());
	}

}
