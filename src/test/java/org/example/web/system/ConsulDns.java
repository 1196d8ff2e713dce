package org.example.web.system;

import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * What Consul's DNS answers for the instances of a service, as HAProxy reads it: the SRV records
 * of {@code <service>.service.consul} (passing instances only) and the address each one names.
 * Asked over TCP (no truncated answer) from this host, at a Consul server's docker_gwbridge
 * address: its DNS answers on every interface, and nothing needs to be published.
 */
final class ConsulDns {

	private static final int PORT = 8600;

	private ConsulDns() {
	}

	/** The IPv4 addresses named by the SRV answer for the service, asked of the DNS at that address. */
	static Set<String> instanceAddresses(String dnsAddress, String service) {
		try {
			SimpleResolver resolver = new SimpleResolver(dnsAddress);
			resolver.setPort(PORT);
			resolver.setTCP(true);
			Set<String> addresses = new TreeSet<>();
			for (Record srv : lookup(resolver, Name.fromString(service + ".service.consul."), Type.SRV)) {
				// Consul 1.8 names an instance by its address (<hex>.addr.dc1.consul.) or its node.
				for (Record a : lookup(resolver, ((SRVRecord) srv).getTarget(), Type.A)) {
					addresses.add(((ARecord) a).getAddress().getHostAddress());
				}
			}
			return addresses;
		}
		catch (TextParseException | UnknownHostException ex) {
			throw new IllegalArgumentException("cannot ask " + dnsAddress + " for " + service, ex);
		}
	}

	/** The records of the answer; none for NXDOMAIN (no passing instance at all). */
	private static List<Record> lookup(SimpleResolver resolver, Name name, int type) {
		Lookup lookup = new Lookup(name, type);
		lookup.setResolver(resolver);
		lookup.setCache(null);
		Record[] records = lookup.run();
		if (records == null && lookup.getResult() != Lookup.HOST_NOT_FOUND && lookup.getResult() != Lookup.TYPE_NOT_FOUND) {
			throw new IllegalStateException("DNS " + name + " " + Type.string(type) + ": " + lookup.getErrorString());
		}
		return (records != null) ? List.of(records) : List.of();
	}

}
