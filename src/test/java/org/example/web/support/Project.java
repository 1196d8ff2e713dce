package org.example.web.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Where the project is and which version of it the tests run against. Maven passes the root as
 * {@code -Dproject.root} (failsafe); unit tests run in it.
 */
public final class Project {

	public static final Path ROOT = Path.of(System.getProperty("project.root", ".")).toAbsolutePath().normalize();

	/** Where every test writes its figures. */
	public static final Path REPORTS = ROOT.resolve("target").resolve("reports");

	/** The service's version (web:VERSION), from the build-info the build wrote next to the classes. */
	public static final String VERSION = buildInfo().getProperty("build.version");

	/** The deploy scripts' shared library: common.sh and what a script sources next to it. */
	private static final Path DEPLOY_LIB = ROOT.resolve("deploy").resolve("lib");

	private Project() {
	}

	/**
	 * A bash script that sources deploy/lib/common.sh, then each of {@code libs} (file names in
	 * deploy/lib), as the deploy/ scripts do, and runs {@code call}: how a test runs one function of
	 * the library ({@code bash -c}).
	 */
	public static String withDeployLib(String call, String... libs) {
		StringBuilder script = new StringBuilder("source ").append(quoted(DEPLOY_LIB.resolve("common.sh")));
		for (String lib : libs) {
			script.append(" && source ").append(quoted(DEPLOY_LIB.resolve(lib)));
		}
		return script.append(" && ").append(call).toString();
	}

	/** A path as one bash word, whatever it holds. */
	private static String quoted(Path path) {
		return "'" + path.toString().replace("'", "'\\''") + "'";
	}

	private static Properties buildInfo() {
		try (InputStream in = Project.class.getResourceAsStream("/META-INF/build-info.properties")) {
			if (in == null) {
				throw new IllegalStateException("no META-INF/build-info.properties: build with ./mvnw, not the IDE alone");
			}
			Properties properties = new Properties();
			properties.load(in);
			return properties;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
