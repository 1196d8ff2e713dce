package org.example.web.system;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConsulMemberTest {

	@Test
	void readsTheRowsOfConsulMembers() {
		// As Consul 1.8.7 prints it: a server, a live client and a failed one.
		String output = """
				Node              Address           Status  Type    Build  Protocol  DC   Segment
				consul-1          10.242.0.24:8301  alive   server  1.8.7  2         dc1  <all>
				web-9ca96aad60fa  10.242.0.10:8301  failed  client  1.8.7  2         dc1  <default>
				web-aa4c972fb89b  10.242.0.9:8301   alive   client  1.8.7  2         dc1  <default>
				""";
		assertThat(ConsulMember.parse(output)).containsExactly(new ConsulMember("consul-1", "10.242.0.24", "alive"),
				new ConsulMember("web-9ca96aad60fa", "10.242.0.10", "failed"),
				new ConsulMember("web-aa4c972fb89b", "10.242.0.9", "alive"));
		assertThat(ConsulMember.parse(output).get(1).isAlive()).isFalse();
	}

	@Test
	void noMembersNoRows() {
		assertThat(ConsulMember.parse("")).isEmpty();
		assertThat(ConsulMember.parse("Node  Address  Status  Type  Build  Protocol  DC  Segment\n")).isEmpty();
	}

}
