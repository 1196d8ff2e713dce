package org.example.web.errors;

import org.apache.catalina.Container;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.catalina.valves.JsonErrorReportValve;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Errors that Tomcat answers before Spring sees the request (a malformed request line or URI such
 * as {@code GET /%zz}) come as a small JSON body, like every other error of the service, instead
 * of Tomcat's HTML page; never with a stack trace or the server's name and version.
 */
@Component
class JsonErrorsFromTomcat implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

	@Override
	public void customize(TomcatServletWebServerFactory factory) {
		factory.addContextCustomizers((context) -> replaceErrorReportValve(context.getParent()));
	}

	/**
	 * The host adds a valve of its {@code errorReportValveClass} when it starts, unless one of
	 * exactly that class is in its pipeline: name the JSON valve there and add it, configured.
	 */
	private static void replaceErrorReportValve(Container container) {
		StandardHost host = (StandardHost) container;
		for (Valve valve : host.getPipeline().getValves()) {
			if (valve instanceof ErrorReportValve) {
				host.getPipeline().removeValve(valve);
			}
		}
		host.setErrorReportValveClass(WithoutInternals.class.getName());
		JsonErrorReportValve json = new WithoutInternals();
		json.setShowReport(false);
		json.setShowServerInfo(false);
		host.getPipeline().addValve(json);
	}

	/**
	 * Tomcat's JSON valve lists the exception's stack trace whatever {@code showReport} says (a
	 * request header too large for Tomcat showed Tomcat's class names and line numbers): this one
	 * reports the status and message only.
	 */
	static final class WithoutInternals extends JsonErrorReportValve {

		@Override
		protected void report(Request request, Response response, Throwable throwable) {
			super.report(request, response, null);
		}

	}

}
