package com.cloudbees.groovy.cps

import java.lang.annotation.ElementType
import java.lang.annotation.Retention
import java.lang.annotation.RetentionPolicy
import java.lang.annotation.Target

/**
 * Stands in for the annotation of Jenkins' workflow-cps plugin so that the library compiles and is
 * tested without Jenkins: a method marked with it runs as plain Groovy, outside the CPS transform.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target([ElementType.METHOD, ElementType.CONSTRUCTOR])
@interface NonCPS {
}
