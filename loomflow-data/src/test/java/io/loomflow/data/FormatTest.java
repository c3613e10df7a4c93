package io.loomflow.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every built-in format reads what it writes, and reports bad input with where it is. */
class FormatTest {

    /** A row of the companies table. */
    public record Company(String id, String name, double rating, boolean iataApproved) {
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void textAndBytesRoundTrip() throws IOException {
        assertThat(Format.text().read(Format.text().write("Grüße, 世界\n"))).isEqualTo("Grüße, 世界\n");
        byte[] raw = {0, 1, (byte) 0xff};
        assertThat(Format.bytes().read(Format.bytes().write(raw))).isEqualTo(raw);
    }

    @Test
    void csvRowsAsMapsKeepColumnOrderAndQuoting() throws IOException {
        String csv = "id,name,comment\n1,\"Acme, Inc.\",\"said \"\"hi\"\"\nthen left\"\n2,Globex,\n";
        List<Map<String, String>> rows = Format.csv().read(utf8(csv));
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).containsExactly(Map.entry("id", "1"), Map.entry("name", "Acme, Inc."),
                Map.entry("comment", "said \"hi\"\nthen left"));
        assertThat(rows.get(1).get("comment")).isEmpty();
        assertThat(Format.csv().read(Format.csv().write(rows))).isEqualTo(rows);
    }

    @Test
    void csvRowsAsRecordsAreConvertedToTheirTypes() throws IOException {
        String csv = "id,name,rating,iataApproved\n3888,\"Ivy, Ltd\",4.5,true\n46728,Bolt,3,false\n";
        List<Company> companies = Format.csv(Company.class).read(utf8(csv));
        assertThat(companies).containsExactly(new Company("3888", "Ivy, Ltd", 4.5, true),
                new Company("46728", "Bolt", 3.0, false));
        assertThat(Format.csv(Company.class).read(Format.csv(Company.class).write(companies))).isEqualTo(companies);
    }

    @Test
    void aCsvColumnTheRecordDoesNotHaveIsAnErrorNamingIt() {
        String csv = "id,name,rating,iataApproved,renamed\n1,a,1,true,x\n";
        assertThatThrownBy(() -> Format.csv(Company.class).read(utf8(csv))).isInstanceOf(IOException.class)
                .hasMessageContaining("renamed");
    }

    @Test
    void aBadCsvValueIsReportedWithItsLine() {
        String csv = "id,name,rating,iataApproved\n1,a,4.5,true\n2,b,not-a-number,false\n";
        assertThatThrownBy(() -> Format.csv(Company.class).read(utf8(csv))).isInstanceOf(IOException.class)
                .hasMessageContaining("not-a-number").hasMessageContaining("line: 3");
    }

    @Test
    void jsonRoundTripsRecordsListsAndMaps() throws IOException {
        List<Company> companies = List.of(new Company("1", "Acme", 4.5, true));
        assertThat(Format.jsonRecords(Company.class).read(Format.jsonRecords(Company.class).write(companies)))
                .isEqualTo(companies);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("companies", 2);
        report.put("best", Map.of("name", "Acme"));
        report.put("ratings", List.of(4.5, 3.0));
        assertThat(Format.jsonMap().read(Format.jsonMap().write(report))).isEqualTo(report);
        assertThat(Format.json(Company.class).read(utf8("{\"id\":\"9\",\"name\":\"N\",\"rating\":1,\"iataApproved\":false}")))
                .isEqualTo(new Company("9", "N", 1.0, false));
    }

    @Test
    void badJsonIsReportedWithLineAndColumn() {
        assertThatThrownBy(() -> Format.jsonMap().read(utf8("{\n  \"a\": 1,\n  \"b\": }"))).isInstanceOf(IOException.class)
                .hasMessageContaining("line: 3, column: 8");
        assertThatThrownBy(() -> Format.jsonMap().read(utf8("{} trailing"))).isInstanceOf(IOException.class);
    }

    @Test
    void aJsonDocumentOrRecordThatIsNullIsRefusedAsNoValue() {
        assertThatThrownBy(() -> Format.jsonMap().read(utf8(" null\n"))).isInstanceOf(IOException.class)
                .hasMessage("the document is JSON null, not a value; write the value, such as {} or []");
        assertThatThrownBy(() -> Format.json(Company.class).read(utf8("null"))).isInstanceOf(IOException.class)
                .hasMessage("the document is JSON null, not a value; write the value, such as {} or []");
        assertThatThrownBy(() -> Format.jsonRecords(Company.class).read(utf8(
                "[{\"id\":\"9\",\"name\":\"N\",\"rating\":1,\"iataApproved\":false}, null]")))
                .isInstanceOf(IOException.class)
                .hasMessage("element 2 of the array is JSON null, not a record; remove it or write the record");
    }
}
