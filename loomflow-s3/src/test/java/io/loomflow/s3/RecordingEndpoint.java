package io.loomflow.s3;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * An S3- and STS-compatible endpoint of a few lines, on 127.0.0.1, that records what each request
 * was signed with: S3Mock accepts any key, so only a server that looks at the signature shows
 * which credentials the storage chose. STS {@code AssumeRole} answers with the credentials
 * {@link #ASSUMED_KEY}; a request signed with {@link #REFUSED_KEY} is answered 403
 * {@code InvalidAccessKeyId}; any other GET answers {@code captured}.
 */
final class RecordingEndpoint implements AutoCloseable {

    static final String ASSUMED_KEY = "ASIAASSUMEDROLE";
    static final String ASSUMED_TOKEN = "assumed-session-token";
    static final String REFUSED_KEY = "AKIAREFUSED";

    /** One request: its method, path, the access key of its signature, and its session token. */
    record Request(String method, String path, String accessKey, String service, String sessionToken, String body) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    RecordingEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String authorization = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
        // AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request, SignedHeaders=..., Signature=...
        String[] scope = authorization.replaceFirst(".*Credential=", "").replaceFirst(",.*", "").split("/");
        Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), scope[0],
                scope.length > 3 ? scope[3] : "", exchange.getRequestHeaders().getFirst("X-Amz-Security-Token"), body);
        requests.add(request);
        String answer;
        int status = 200;
        if (body.contains("Action=AssumeRole")) {
            answer = """
                    <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                      <AssumeRoleResult>
                        <Credentials>
                          <AccessKeyId>%s</AccessKeyId>
                          <SecretAccessKey>assumed-secret</SecretAccessKey>
                          <SessionToken>%s</SessionToken>
                          <Expiration>2099-01-01T00:00:00Z</Expiration>
                        </Credentials>
                        <AssumedRoleUser>
                          <Arn>arn:aws:sts::123456789012:assumed-role/reader/loomflow</Arn>
                          <AssumedRoleId>AROAEXAMPLE:loomflow</AssumedRoleId>
                        </AssumedRoleUser>
                      </AssumeRoleResult>
                      <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
                    </AssumeRoleResponse>""".formatted(ASSUMED_KEY, ASSUMED_TOKEN);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
        } else if (request.accessKey().equals(REFUSED_KEY)) {
            status = 403;
            answer = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InvalidAccessKeyId</Code><Message>The AWS"
                    + " Access Key Id you provided does not exist in our records.</Message><RequestId>1</RequestId></Error>";
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
        } else {
            answer = "captured";
        }
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, exchange.getRequestMethod().equals("HEAD") ? -1 : bytes.length);
        if (!exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).close();
    }
}
