package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.loomflow.cases.ParameterCases;
import io.loomflow.cases.ParameterCases.Case;
import io.loomflow.cases.ParameterCases.Knobs;
import io.loomflow.Param.Max;
import io.loomflow.Param.Min;
import io.loomflow.Param.NotBlank;
import io.loomflow.Param.Pattern;
import io.loomflow.Param.Size;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The one parameter model: the shared table through bind (JSON) and bindText (command-line text), and its edges. */
class ParameterModelTest {

    private static final ParameterModel<Knobs> MODEL = ParameterModel.of(Knobs.class);

    static Stream<Case> cases() {
        return ParameterCases.all().stream();
    }

    static Stream<Case> typed() {
        return ParameterCases.typed().stream();
    }

    private static boolean isList(String field) {
        Object schema = ((Map<?, ?>) MODEL.schema().get("properties")).get(field.split("\\.")[0]);
        return schema instanceof Map<?, ?> property && "array".equals(property.get("type"));
    }

    private static void check(Case row, ThrowingBind bind) {
        if (row.fits()) {
            Knobs bound = bind.bind();
            Object value = MODEL.toJson(bound).get(row.field().split("\\.")[0]);
            assertThat(ParameterCases.same(value, row.expected())).as("%s bound %s", row, value).isTrue();
        } else {
            ParameterException refused = catchThrowableOfType(ParameterException.class, bind::bind);
            assertThat(refused).as(row.toString()).isNotNull();
            assertThat(refused.problems()).as(row.toString())
                    .anySatisfy(problem -> {
                        assertThat(problem.field()).isEqualTo(row.problemField());
                        assertThat(problem.problem()).contains(row.expected());
                    });
        }
    }

    private interface ThrowingBind {
        Knobs bind();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyRowBindsAsTheTableSaysFromJson(Case row) {
        check(row, () -> MODEL.bind(ParameterCases.body(row, isList(row.field()))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("typed")
    void everyTypedRowBindsAsTheTableSaysFromText(Case row) {
        check(row, () -> MODEL.bindText(List.of(row.pair())));
    }

    record Bounded(@Min(1) @Max(10) int items, @NotBlank String name) {
    }

    @Test
    void checkAppliesTheDeclaredConstraintsToARecordMadeElsewhere() {
        ParameterModel<Bounded> model = ParameterModel.of(Bounded.class);

        model.check(new Bounded(10, "x"));
        model.check(null);
        ParameterException refused = catchThrowableOfType(ParameterException.class,
                () -> model.check(new Bounded(-5, " ")));

        assertThat(refused.problems()).extracting(ParameterException.Problem::field).containsExactly("items", "name");
        assertThat(refused.problems().getFirst().problem()).isEqualTo("must be from 1 to 10, got -5");
    }

    @Test
    void aHostileBodyWithManyUnknownKeysGetsAShortAnswer() {
        Map<String, Object> body = new HashMap<>();
        for (int i = 0; i < 95_000; i++) {
            body.put("k" + i, i);
        }
        ParameterException refused = catchThrowableOfType(ParameterException.class, () -> MODEL.bind(body));

        assertThat(refused.problems()).hasSize(20);
        assertThat(refused.problemsLeftOut()).isEqualTo(94_980);
        assertThat(refused.getMessage()).hasSizeLessThan(8_000).endsWith("and 94980 more problems");
    }

    @Test
    void defaultsFillWhatIsLeftOutAndTheSchemaShowsThem() {
        Knobs bound = MODEL.bind(Map.of());

        assertThat(bound.count()).isEqualTo(3);
        @SuppressWarnings("unchecked")
        Map<String, Object> count = (Map<String, Object>) ((Map<?, ?>) MODEL.schema().get("properties")).get("count");
        assertThat(count).containsEntry("type", "integer").containsEntry("default", 3)
                .containsEntry("minimum", (long) Integer.MIN_VALUE);
        assertThat(MODEL.schema()).containsEntry("$schema", "https://json-schema.org/draft/2020-12/schema")
                .containsEntry("additionalProperties", false).doesNotContainKey("required");
    }

    record Address(String city, int zip) {
        Address {
            if (zip < 0) {
                throw new IllegalArgumentException("zip must not be negative, was " + zip);
            }
        }
    }

    record Order(String item, Address address, List<Address> more) {
    }

    @Test
    void requiredPartsAreNamedAndAConstructorsRefusalBecomesAProblem() {
        ParameterModel<Order> model = ParameterModel.of(Order.class);

        assertThat(catchThrowableOfType(ParameterException.class, () -> model.bind(Map.of())).problems())
                .extracting(ParameterException.Problem::field).containsExactly("item", "address.city", "address.zip");
        ParameterException refused = catchThrowableOfType(ParameterException.class, () -> model.bindText(
                List.of("item=x", "address.city=Oslo", "address.zip=-1")));
        assertThat(refused.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.field()).isEqualTo("address");
            assertThat(problem.problem()).isEqualTo("Address refused the parameters: zip must not be negative, was -1");
        });
        assertThat(model.bindText(List.of("ITEM=x", "address.city=Oslo", "address.zip=1")))
                .isEqualTo(new Order("x", new Address("Oslo", 1), List.of()));
        assertThat(catchThrowableOfType(ParameterException.class, () -> model.bindText(List.of("item=x", "address=Oslo")))
                .problems().getFirst().problem()).startsWith("is a group; give its parts (address.city (text)");
    }

    @Test
    void toJsonIsReadBackToTheSameRecord() {
        Knobs knobs = MODEL.bindText(List.of("count=9", "ids=1,2", "tags=a", "limits.x=1", "note=n", "color=blue"));

        Knobs again = MODEL.bind(MODEL.toJson(knobs));

        assertThat(MODEL.toJson(again)).isEqualTo(MODEL.toJson(knobs));
        assertThat(again.note()).contains("n");
    }

    @Test
    void textOverABaseReplacesOnlyTheParametersItGivesAndMergesMapsEntryByEntry() {
        Map<String, Object> base = MODEL.toJson(MODEL.bindText(List.of("count=9", "ids=1,2", "limits.x=1", "limits.y=2",
                "note=n", "color=blue")));

        Knobs over = MODEL.bindText(base, List.of("COUNT=10", "ids=7", "limits.y=3"));

        Map<String, Object> json = MODEL.toJson(over);
        assertThat(json).containsEntry("count", 10).containsEntry("ids", List.of(7))
                .containsEntry("limits", Map.of("x", 1, "y", 3)).containsEntry("note", "n")
                .containsEntry("color", "BLUE");
        assertThat(MODEL.toJson(MODEL.bindText(base, List.of()))).isEqualTo(base);
        assertThat(catchThrowableOfType(ParameterException.class, () -> MODEL.bindText(base, List.of("count=x")))
                .problems()).singleElement().satisfies(problem -> assertThat(problem.field()).isEqualTo("count"));
        assertThat(catchThrowableOfType(ParameterException.class, () -> MODEL.bindText(base, List.of("count=1",
                "count=2"))).problems()).singleElement().satisfies(problem -> assertThat(problem.problem())
                .contains("was given twice"));
    }

    record Odd(Object anything) {
    }

    @Test
    void aTypeParametersCannotTakeIsNamedWhenTheModelIsMade() {
        assertThatThrownBy(() -> ParameterModel.of(Odd.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("parameter Odd.anything has type java.lang.Object, which flow parameters cannot take");
        ParameterModel<?> model = ParameterModel.of(Flow.named("odd", Odd.class, odd -> odd));
        assertThat(model.unusable()).isPresent();
        assertThatThrownBy(() -> model.bind(Map.of())).isInstanceOf(ParameterException.class)
                .hasMessageContaining("which flow parameters cannot take");
    }

    record MinAboveMax(@Min(10) @Max(5) int items) {
    }

    record MinBeyondByte(@Min(200) byte small) {
    }

    record MinOnText(@Min(1) String name) {
    }

    record SizeOnNumber(@Size(max = 3) int count) {
    }

    record BadPattern(@Pattern(regexp = "[a-z") String slug) {
    }

    record NegativeSize(@Size(min = -1) List<String> tags) {
    }

    record DefaultOutside(@Min(1) int items) {
        public static DefaultOutside defaults() {
            return new DefaultOutside(0);
        }
    }

    @Test
    void constraintsThatNoValueFitsOrThatDoNotApplyAreNamedWhenTheModelIsMade() {
        assertThatThrownBy(() -> ParameterModel.of(MinAboveMax.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parameter MinAboveMax.items has @Min(10) above its @Max(5), so no value fits; make the"
                        + " minimum at most the maximum");
        assertThatThrownBy(() -> ParameterModel.of(MinBeyondByte.class)).hasMessageStartingWith(
                "parameter MinBeyondByte.small has @Min(200) above the greatest value, from -128 to 127");
        assertThatThrownBy(() -> ParameterModel.of(MinOnText.class)).hasMessage(
                "parameter MinOnText.name is text, and @Min and @Max apply to numbers only; remove them");
        assertThatThrownBy(() -> ParameterModel.of(SizeOnNumber.class))
                .hasMessageStartingWith("parameter SizeOnNumber.count is a whole number").hasMessageContaining("@Size applies to");
        assertThatThrownBy(() -> ParameterModel.of(BadPattern.class))
                .hasMessageStartingWith("parameter BadPattern.slug has @Pattern(regexp = \"[a-z\"), which is not a regular"
                        + " expression: Unclosed character class");
        assertThatThrownBy(() -> ParameterModel.of(NegativeSize.class))
                .hasMessageStartingWith("parameter NegativeSize.tags has @Size(min = -1, max = 2147483647), which no size fits");
        assertThatThrownBy(() -> ParameterModel.of(DefaultOutside.class)).hasMessageStartingWith(
                "the default of parameter DefaultOutside.items in " + DefaultOutside.class.getName()
                        + ".defaults() does not fit its constraints: it must be at least 1, got 0");
        // a flow keeps its model, unusable, saying why, as for any type parameters cannot take
        ParameterModel<?> model = ParameterModel.of(Flow.named("odd", MinAboveMax.class, p -> p));
        assertThat(model.unusable()).hasValueSatisfying(why -> assertThat(why).contains("@Min(10) above its @Max(5)"));
    }

    record Limited(@Min(-3) @Max(3) Optional<Integer> shift, @Min(0) @Max(1) double share, @Min(1) BigInteger big,
                   @Size(min = 1, max = 3) List<String> tags, @Size(max = 2) Map<String, Integer> limits,
                   @NotBlank @Size(min = 2, max = 5) String code, @Nullable @Pattern(regexp = "[0-9]+") String digits) {
    }

    @Test
    void constraintsBindFromJsonAndTextAndShowInTheSchemaAndTheListing() {
        ParameterModel<Limited> model = ParameterModel.of(Limited.class);

        assertThat(model.bindText(List.of("share=1", "big=12345678901234567890", "tags=a,b,c", "code=ab")))
                .isEqualTo(new Limited(Optional.empty(), 1.0, new BigInteger("12345678901234567890"), List.of("a", "b", "c"),
                        Map.of(), "ab", null));
        ParameterException refused = catchThrowableOfType(ParameterException.class, () -> model.bind(Map.of(
                "shift", -4, "share", new java.math.BigDecimal("1.0000001"), "big", 0, "tags", List.of("a", "b", "c", "d"),
                "limits", Map.of("a", 1, "b", 2, "c", 3), "code", "abcdef", "digits", "12a")));
        assertThat(refused.problems()).extracting(ParameterException.Problem::field, ParameterException.Problem::problem)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("shift", "must be from -3 to 3, got -4"),
                        org.assertj.core.groups.Tuple.tuple("share", "must be from 0 to 1, got 1.0000001"),
                        org.assertj.core.groups.Tuple.tuple("big", "must be at least 1, got 0"),
                        org.assertj.core.groups.Tuple.tuple("tags", "must have from 1 to 3 items, got 4"),
                        org.assertj.core.groups.Tuple.tuple("limits", "must have at most 2 entries, got 3"),
                        org.assertj.core.groups.Tuple.tuple("code", "must have from 2 to 5 characters, got 6: \"abcdef\""),
                        org.assertj.core.groups.Tuple.tuple("digits", "must match the pattern \"[0-9]+\", got \"12a\""));
        // a list left out is empty, and an empty list is shorter than @Size(min = 1)
        assertThatThrownBy(() -> model.bindText(List.of("share=0", "big=1", "code=ab")))
                .hasMessageContaining("tags: must have from 1 to 3 items, got 0");
        // text is counted in code points, as JSON Schema counts: two emoji are two characters
        assertThat(model.bindText(List.of("share=0", "big=1", "tags=x", "code=\uD83D\uDE00\uD83D\uDE00")).code()).hasSize(4);

        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> properties = (Map<String, Map<String, Object>>) model.schema().get("properties");
        assertThat(properties.get("shift")).containsEntry("minimum", -3L).containsEntry("maximum", 3L);
        assertThat(properties.get("share")).containsEntry("minimum", 0L).containsEntry("maximum", 1L);
        assertThat(properties.get("big")).containsEntry("minimum", 1L).doesNotContainKey("maximum");
        assertThat(properties.get("tags")).containsEntry("minItems", 1).containsEntry("maxItems", 3);
        assertThat(properties.get("limits")).containsEntry("maxProperties", 2).doesNotContainKey("minProperties");
        assertThat(properties.get("code")).containsEntry("minLength", 2).containsEntry("maxLength", 5)
                .containsEntry("pattern", "\\S");
        assertThat(properties.get("digits")).containsEntry("pattern", "^(?:[0-9]+)$");
        assertThat(model.parameters()).extracting(ParameterModel.Parameter::expects).containsExactly(
                "a whole number from -3 to 3", "a number from 0 to 1", "a whole number of at least 1",
                "a list, each text, from 1 to 3 items", "a map of names to values, each a whole number from -2147483648 to"
                        + " 2147483647, at most 2 entries",
                "text, not blank, from 2 to 5 characters", "text, matching \"[0-9]+\"");
    }

    @Test
    void aFlowWithoutParametersTakesNone() {
        ParameterModel<?> model = ParameterModel.of(Flow.named("plain", x -> "done"));

        assertThat(model.bind(Map.of())).isNull();
        assertThat(model.bindText(List.of())).isNull();
        assertThat(catchThrowableOfType(ParameterException.class, () -> model.bindText(List.of("x=1"))).problems())
                .singleElement().satisfies(problem -> assertThat(problem.problem()).contains("flow 'plain' takes no parameters"));
    }

    @Test
    void closestSuggestsOnlyLikelyTypos() {
        assertThat(ParameterModel.closest("helo", List.of("hello", "report"))).contains("hello");
        assertThat(ParameterModel.closest("zzzzzz", List.of("hello", "report"))).isEmpty();
    }

    record Where(java.nio.file.Path path, @Nullable String note, java.util.Optional<Integer> size, Map<String, Integer> sizes,
                 float tiny) {
    }

    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @interface Nullable {
    }

    @Test
    void aFileUriIsReadAsThePathItNamesAsARunsRecordKeepsIt() {
        ParameterModel<Where> model = ParameterModel.of(Where.class);

        assertThat(model.bindText(List.of("path=file:///tmp/probe/rel/x", "tiny=1")).path())
                .isEqualTo(java.nio.file.Path.of("/tmp/probe/rel/x"));
        assertThat(model.bind(Map.of("path", "rel/x", "tiny", 1)).path()).isEqualTo(java.nio.file.Path.of("rel/x"));
    }

    record Noted(String name, @org.jspecify.annotations.Nullable String note) {
    }

    @Test
    void aComponentMarkedWithJSpecifysNullableMayBeLeftOutAndIsNull() {
        ParameterModel<Noted> model = ParameterModel.of(Noted.class);

        assertThat(model.bind(Map.of("name", "Ada"))).isEqualTo(new Noted("Ada", null));
        assertThat(model.bindText(List.of("name=Ada", "note=hi"))).isEqualTo(new Noted("Ada", "hi"));
        assertThat(model.parameters()).extracting(ParameterModel.Parameter::required).containsExactly(true, false);
    }

    @Test
    void anExplicitNullLeavesANullableOrOptionalParameterEmpty() {
        Map<String, Object> given = new HashMap<>();
        given.put("path", "x");
        given.put("tiny", 1);
        given.put("note", null);
        given.put("size", null);

        Where bound = ParameterModel.of(Where.class).bind(given);

        assertThat(bound.note()).isNull();
        assertThat(bound.size()).isEmpty();
    }

    @Test
    void anEmptyMapKeyAndAFloatThatWouldBecomeZeroAreProblemsAndEveryProblemIsReportedAtOnce() {
        ParameterException refused = catchThrowableOfType(ParameterException.class, () -> ParameterModel.of(Where.class)
                .bindText(List.of("path=x", "sizes.=1", "tiny=1e-50", "unknown=1")));

        assertThat(refused.problems()).extracting(ParameterException.Problem::field)
                .containsExactly("unknown", "sizes.", "tiny");
        assertThat(refused.problems().get(2).problem()).contains("too close to zero");
    }
}
