/** The reference homelab program: `npx homelab synth` runs it. */
import * as path from 'path';
import { Homelab } from '../lib';
import { inventory } from './inventory';

// The storage lock lives next to this program's project, whatever directory synth runs from.
new Homelab({ inventory, storageLockFile: path.join(__dirname, '..', 'storage.lock.json') }).synth();
