/**
 * The okra.mumo.co/v1alpha1 resources as Jackson beans, the single source of the CRD YAML.
 *
 * <p>Fields are public rather than hidden behind getters and setters: these classes are pure data,
 * mapped to validated records at the engine's boundary ({@code cell.CellDefinition}), and a page of
 * accessors per class would only hide the shape users write in their manifests.
 */
package co.mumo.okra.api;
