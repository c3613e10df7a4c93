package io.loomflow.examples.spring;

import io.loomflow.Flow;
import io.loomflow.examples.s4.Evaluation;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application that runs scenario S4's evaluation: {@code POST /evaluations} starts one in the
 * background and answers 202 at once, and Loomflow's UI and API are served under {@code /loomflow} by the starter.
 */
@SpringBootApplication
@EnableConfigurationProperties(EvaluationDefaults.class)
public class EvaluationApplication {

    /**
     * The evaluation flow as a bean: the starter offers it in the UI and API.
     *
     * @return scenario S4's flow
     */
    @Bean
    Flow<Evaluation.Params, Evaluation.Summary> evaluation() {
        return Evaluation.FLOW;
    }

    /**
     * Starts the application.
     *
     * @param args Spring Boot's arguments, such as {@code --server.port=8081}
     */
    public static void main(String[] args) {
        SpringApplication.run(EvaluationApplication.class, args);
    }
}
