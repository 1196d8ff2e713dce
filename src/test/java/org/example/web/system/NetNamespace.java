package org.example.web.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.example.web.support.Shell;

/**
 * A client with an address of its own: a network namespace {@code sec-flood-N} joined to the
 * host by a veth pair with private /30 addresses (10.253.N.1 on the host, 10.253.N.2 inside).
 * What it sends to {@link #hostAddress()} on a published port is DNAT'd by Docker to the
 * container behind that port, keeping the client's own address: to HAProxy it is another host.
 * Nothing of the host's network is changed besides the veth end; {@link #close()} (or
 * {@link #removeLeftovers()}) removes both.
 */
final class NetNamespace implements AutoCloseable {

	static final String PREFIX = "sec-flood-";

	private final int index;

	private NetNamespace(int index) {
		this.index = index;
	}

	/** Namespace N (1..250), made anew (one left by an earlier run is removed first). */
	static NetNamespace create(int index) {
		if (index < 1 || index > 250) {
			throw new IllegalArgumentException("index 1..250: " + index);
		}
		NetNamespace ns = new NetNamespace(index);
		ns.close();
		try {
			Shell.run("ip", "netns", "add", ns.name());
			Shell.run("ip", "link", "add", ns.hostLink(), "type", "veth", "peer", "name", ns.innerLink(), "netns", ns.name());
			Shell.run("ip", "addr", "add", ns.hostAddress() + "/30", "dev", ns.hostLink());
			Shell.run("ip", "link", "set", ns.hostLink(), "up");
			Shell.run("ip", "-n", ns.name(), "addr", "add", ns.address() + "/30", "dev", ns.innerLink());
			Shell.run("ip", "-n", ns.name(), "link", "set", ns.innerLink(), "up");
			Shell.run("ip", "-n", ns.name(), "link", "set", "lo", "up");
			Shell.run("ip", "-n", ns.name(), "route", "add", "default", "via", ns.hostAddress());
			return ns;
		}
		catch (RuntimeException ex) {
			ns.close();
			throw ex;
		}
	}

	String name() {
		return PREFIX + this.index;
	}

	/** The host's end: where the client sends its requests. */
	String hostAddress() {
		return "10.253." + this.index + ".1";
	}

	/** The client's own address, as HAProxy sees it. */
	String address() {
		return "10.253." + this.index + ".2";
	}

	private String hostLink() {
		return "secf" + this.index + "h";
	}

	private String innerLink() {
		return "secf" + this.index + "n";
	}

	/** Runs a command of the host inside the namespace (its network only; same files). */
	Shell.Result exec(Duration timeout, String... command) {
		List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name()));
		full.addAll(List.of(command));
		return Shell.tryRun(timeout, full.toArray(String[]::new));
	}

	/** Deleting the namespace deletes the veth pair with it; the host's end goes too if it was left alone. */
	@Override
	public void close() {
		Shell.tryRun(Duration.ofSeconds(10), "ip", "netns", "delete", name());
		Shell.tryRun(Duration.ofSeconds(10), "ip", "link", "delete", hostLink());
	}

	/** Removes every namespace of this kind that a run killed before its clean-up left behind. */
	static void removeLeftovers() {
		for (String line : Shell.run("ip", "netns", "list").lines().toList()) {
			String name = line.split("\\s+")[0];
			if (name.startsWith(PREFIX) && name.substring(PREFIX.length()).matches("\\d+")) {
				new NetNamespace(Integer.parseInt(name.substring(PREFIX.length()))).close();
			}
		}
	}

}
