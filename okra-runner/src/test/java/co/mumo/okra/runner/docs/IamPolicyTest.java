package co.mumo.okra.runner.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/iam-policy.json, least privilege: every AWS call Okra makes is allowed, writes are scoped to
 * listed listeners and to rules carrying Okra's tag, and no ARN names a partition.
 */
class IamPolicyTest {
  /** Every AWS operation the runner calls (the SDK clients in alb/, discovery/ and the CloudWatch provider). */
  static final List<String> CALLED = List.of("elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags",
      "elasticloadbalancing:CreateRule", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:AddTags",
      "elasticloadbalancing:DeleteRule", "eks:ListClusters",
      "eks:DescribeCluster", "sts:AssumeRole", "cloudwatch:GetMetricData");
  static final List<String> READS = List.of("elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags", "eks:ListClusters",
      "cloudwatch:GetMetricData");

  @Test
  void everyCallIsAllowedAndNothingElse() throws IOException {
    List<String> allowed = new ArrayList<>();
    for (JsonNode s : statements()) actions(s).forEach(allowed::add);
    assertThat(allowed).containsAll(CALLED);
    assertThat(allowed).allSatisfy(a -> assertThat(CALLED).contains(a));
  }

  @Test
  void writesAreScopedToListedResourcesAndNoArnNamesAPartition() throws IOException {
    for (JsonNode s : statements()) {
      List<String> resources = new ArrayList<>();
      if (s.get("Resource").isArray()) s.get("Resource").forEach(r -> resources.add(r.asText()));
      else resources.add(s.get("Resource").asText());
      for (String action : actions(s)) {
        if (!READS.contains(action)) assertThat(resources).as(s.get("Sid").asText()).doesNotContain("*");
      }
      assertThat(resources).as(s.get("Sid").asText()).allSatisfy(r -> assertThat(r).doesNotStartWith("arn:aws:"));
    }
  }

  @Test
  void rulesAreModifiedOnlyWithOkrasTagAndCreatedOnlyWithIt() throws IOException {
    Map<String, String> expected = Map.of("elasticloadbalancing:ModifyRule", "aws:ResourceTag/okra.mumo.co/cell",
        "elasticloadbalancing:CreateRule", "aws:RequestTag/okra.mumo.co/cell");
    expected.forEach((action, key) -> {
      try {
        for (JsonNode s : statements()) {
          if (actions(s).contains(action)) assertThat(s.get("Condition").toString()).as(action).contains(key);
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  void onlyHeaderRoutesRulesAreDeletedAndRulesAreCreatedWithTheRouteTagAllowed() throws IOException {
    for (JsonNode s : statements()) {
      if (actions(s).contains("elasticloadbalancing:DeleteRule")) {
        assertThat(s.get("Condition").toString()).contains("aws:ResourceTag/okra.mumo.co/cell", "aws:ResourceTag/okra.mumo.co/route");
      }
    }
    // A header route's rule is created with both tags in one call (tag-on-create is authorised as AddTags).
    assertThat(statements()).filteredOn(s -> s.get("Sid").asText().equals("OkraTagTheRulesItCreates")).singleElement()
        .satisfies(s -> assertThat(s.get("Condition").toString()).contains("okra.mumo.co/cell", "okra.mumo.co/route"));
  }

  private static List<JsonNode> statements() throws IOException {
    JsonNode policy = new ObjectMapper().readTree(DocsFiles.repoRoot().resolve("docs/iam-policy.json").toFile());
    List<JsonNode> out = new ArrayList<>();
    policy.get("Statement").forEach(out::add);
    return out;
  }

  private static List<String> actions(JsonNode s) {
    List<String> out = new ArrayList<>();
    if (s.get("Action").isArray()) s.get("Action").forEach(a -> out.add(a.asText()));
    else out.add(s.get("Action").asText());
    return out;
  }
}
