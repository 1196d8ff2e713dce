package org.example.web.status;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.cloud.consul.model.http.agent.NewService;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistration;
import org.springframework.context.annotation.Bean;

/** The registration type the service has in production, for a made-up instance (web-test-1 at 10.20.0.7). */
@TestConfiguration
class MadeUpRegistration {

	@Bean
	Registration registration() {
		NewService service = new NewService();
		service.setId("web-test-1");
		service.setName("web");
		service.setAddress("10.20.0.7");
		service.setPort(8181);
		return new ConsulRegistration(service, null);
	}

}
