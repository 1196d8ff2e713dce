package org.example.web.status;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.servlet.MockMvc;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Without app.whoami.delay-enabled (the default, README): no request can make /whoami late. */
@WebMvcTest(controllers = WhoAmIController.class)
@Import(MadeUpRegistration.class)
class WhoAmIDelayOffByDefaultTest {

	@Autowired
	MockMvc mvc;

	@Test
	void refusesADelayWith400() throws Exception {
		this.mvc.perform(get("/whoami").param("delayMs", "300")).andExpect(status().isBadRequest());
	}

	@Test
	void answersWithoutADelay() throws Exception {
		this.mvc.perform(get("/whoami")).andExpect(status().isOk()).andExpect(jsonPath("$.instanceId").value("web-test-1"));
	}

}
