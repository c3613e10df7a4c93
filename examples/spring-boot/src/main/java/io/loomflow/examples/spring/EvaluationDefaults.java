package io.loomflow.examples.spring;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The parameters an evaluation takes when the request leaves them out ({@code evaluation.*} in
 * {@code application.yml}).
 *
 * @param rows the CSV of rows: a path, relative to the working directory, or a URL
 * @param modelServer the model server's base URL
 * @param model the model that grades
 */
@ConfigurationProperties("evaluation")
public record EvaluationDefaults(String rows, URI modelServer, String model) {
}
