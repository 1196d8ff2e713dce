package org.example.web.discovery;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.consul.model.http.agent.NewService;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistration;

import static org.assertj.core.api.Assertions.assertThat;

class InstanceIdCustomizerTest {

	private final DiscoveryProperties properties = new DiscoveryProperties("web", Duration.ofSeconds(5),
			Duration.ofSeconds(5));

	@Test
	void idNamesTheServiceAndHost() {
		assertThat(customizedId()).matches("web-[A-Za-z0-9-]+-[0-9a-f]{8}");
	}

	@Test
	void twoInstancesOnOneHostNeverShareAnId() {
		assertThat(customizedId()).isNotEqualTo(customizedId());
	}

	private String customizedId() {
		NewService service = new NewService();
		service.setId("web-8181");
		service.setName("web");
		ConsulRegistration registration = new ConsulRegistration(service, null);
		new InstanceIdCustomizer(this.properties).customize(registration);
		return registration.getInstanceId();
	}

}
