package org.example.web.discovery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.cloud.consul.serviceregistry.ConsulRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistrationCustomizer;
import org.springframework.stereotype.Component;

/**
 * Gives every instance its own Consul service id: {@code <service>-<hostname>-<random>}.
 * Spring Cloud Consul's default ({@code <name>-<port>}) is the same for every replica, so on one
 * agent a second replica would silently replace the first. In a container the host name is the
 * container id; the random suffix keeps two JVMs on one host (tests) apart too.
 */
@Component
class InstanceIdCustomizer implements ConsulRegistrationCustomizer {

	private final String instanceId;

	InstanceIdCustomizer(DiscoveryProperties properties) {
		String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
		this.instanceId = properties.serviceName() + "-" + hostname() + "-" + suffix;
	}

	@Override
	public void customize(ConsulRegistration registration) {
		registration.getService().setId(this.instanceId);
	}

	private static String hostname() {
		try {
			return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9-]", "-");
		}
		catch (UnknownHostException ex) {
			return "localhost";
		}
	}

}
