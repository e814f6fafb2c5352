import crypto from 'node:crypto';
import zlib from 'node:zlib';

/**
 * Puts package versions straight into a registry with the PUT npm itself sends (a packument with
 * the tarball attached), without spawning npm: seeding 200 packages takes a second instead of
 * minutes. Only for setting a registry up; every timed upload goes through npm.
 */
export async function seedNpmVersions(registryUrl: string, versions: Array<{ name: string; version: string }>, concurrency = 8): Promise<void> {
  const queue = [...versions];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await seedOne(registryUrl, next.name, next.version);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function seedOne(registryUrl: string, name: string, version: string): Promise<void> {
  const manifest = { name, version, description: `seeded ${name}`, license: 'MIT' };
  const tgz = zlib.gzipSync(tar([{ path: 'package/package.json', content: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) }]));
  const file = `${name.replace(/^@[^/]+\//, '')}-${version}.tgz`;
  const body = {
    _id: name,
    name,
    description: manifest.description,
    'dist-tags': { latest: version },
    versions: {
      [version]: {
        ...manifest,
        _id: `${name}@${version}`,
        dist: {
          shasum: crypto.createHash('sha1').update(tgz).digest('hex'),
          integrity: `sha512-${crypto.createHash('sha512').update(tgz).digest('base64')}`,
          tarball: `${registryUrl}/${name}/-/${file}`,
        },
      },
    },
    _attachments: { [file]: { content_type: 'application/octet-stream', data: tgz.toString('base64'), length: tgz.length } },
  };
  const res = await fetch(`${registryUrl}/${name.replace('/', '%2f')}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`seeding ${name}@${version}: PUT answered ${res.status} ${await res.text()}`);
}

/** A ustar archive of regular files. */
function tar(entries: Array<{ path: string; content: Buffer }>): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const header = Buffer.alloc(512);
    const put = (text: string, offset: number, length: number) => header.write(text, offset, length, 'utf8');
    put(entry.path, 0, 100);
    put('0000644\0', 100, 8);
    put('0000000\0', 108, 8);
    put('0000000\0', 116, 8);
    put(`${entry.content.length.toString(8).padStart(11, '0')}\0`, 124, 12);
    put(
      `${Math.floor(Date.now() / 1000)
        .toString(8)
        .padStart(11, '0')}\0`,
      136,
      12,
    );
    put('        ', 148, 8);
    put('0', 156, 1);
    put('ustar\0', 257, 6);
    put('00', 263, 2);
    let sum = 0;
    for (const byte of header) sum += byte;
    put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
    blocks.push(header, entry.content, Buffer.alloc((512 - (entry.content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
