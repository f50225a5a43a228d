package co.mumo.okra.jenkins

import groovy.json.JsonOutput

/** Lines as `okra-runner reconcile -o json` prints them (see Output.passJson in okra-runner). */
class RunnerLines {
  static String pass(String phase, String stable, String desired, Integer step, Map<String, Integer> weights, String message) {
    List tgs = []
    weights.each { v, w -> tgs << [name: "web-${v}", arn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-${v}/1",
                                   version: v, role: v == stable ? 'stable' : 'canary', weight: w] }
    return JsonOutput.toJson([cell: 'default/web', outcome: 'CHANGED', phase: phase, message: message, stableVersion: stable,
                              desiredVersion: desired, currentStepIndex: step, pauseEndsAt: null, targetGroups: tgs,
                              invalidTargetGroups: null, failure: null, actions: [], errors: []])
  }

  static String event(String event, String message) {
    return JsonOutput.toJson([event: event, message: message])
  }

  static String lines(String... lines) {
    return lines.join('\n') + '\n'
  }
}
