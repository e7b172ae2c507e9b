/**
 * Nix emitter: typed expression trees and their serializer.
 *
 * @module
 */
export * from './value';
export * from './serialize';
