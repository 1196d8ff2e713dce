package org.example.web;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The web service: answers {@code GET /status} on port 8181 behind HAProxy, registers itself in
 * Consul through its local agent and leaves the pool cleanly when stopped.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class WebApplication {

	public static void main(String[] args) {
		SpringApplication.run(WebApplication.class, args);
	}

}
