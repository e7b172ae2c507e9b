export * from './section';
export { renderUciPackage, quoteUci } from './serialize';
export * from './parse';
/** Typed OpenWrt sections: `openwrt.firewallRule(...)`, `openwrt.FirewallRule`, ... */
export * as openwrt from './openwrt';
export type { SecretRef, UciContext, UciSecretOption } from './openwrt';
export { UCI_SECRET_OPTIONS, isUciSecretOption, redactUciSecrets } from './openwrt';
