// CodeNarc rules for the library's vars/ and src/ (pom.xml runs them; any violation fails the build).
// The Jenkins rules find what the CPS transform cannot run or checkpoint: a value that is not
// serializable held across a step, a CPS closure handed to a plain method (sort, eachLine), a CPS
// call from a @NonCPS method. CodeNarc applies them to files named Jenkinsfile unless told otherwise.
ruleset {
  ruleset('rulesets/jenkins.xml') {
    'ClassNotSerializable' applyToFileNames: '*.groovy'
    'ClosureInGString' applyToFileNames: '*.groovy'
    'CpsCallFromNonCpsMethod' applyToFileNames: '*.groovy'
    'ExpressionInCpsMethodNotSerializable' applyToFileNames: '*.groovy'
    'ForbiddenCallInCpsMethod' applyToFileNames: '*.groovy'
    'ObjectOverrideOnlyNonCpsMethods' applyToFileNames: '*.groovy'
    'ParameterOrReturnTypeNotSerializable' applyToFileNames: '*.groovy'
  }
  ruleset('rulesets/basic.xml')
  ruleset('rulesets/imports.xml')
  ruleset('rulesets/unused.xml')
  ruleset('rulesets/exceptions.xml') {
    // A line that only looks like JSON is skipped on purpose; the catch says so.
    'CatchException' enabled: false
  }
}
