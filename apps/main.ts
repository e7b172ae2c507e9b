/** The reference homelab program: `npx homelab synth` runs it. */
import { Homelab } from '../lib';
import { inventory } from './inventory';

new Homelab({ inventory }).synth();
