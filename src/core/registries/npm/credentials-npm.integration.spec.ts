import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { classifyNpmCredentials, findNpmCredentials } from './credentials';

const REGISTRY = 'http://127.0.0.1:9';

/** `key = …` lines per section of `npm config list` (`env`, `user`, …); values npm shows as `(protected)`. */
function listedKeys(output: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of output.split(/\r?\n/)) {
    const header = /^; "([a-z]+)" config from /.exec(line);
    if (header) sections.set(header[1], (current = []));
    else if (line.startsWith(';') || !line.trim()) continue;
    else current?.push(line.slice(0, line.indexOf(' = ')));
  }
  return sections;
}

// `npm config get <credential>` refuses every credential key ("protected") whether set or not, so
// `npm config list`, which names them with the value hidden, is how npm shows what it read.
describe('npm reads the credential spellings the finder reports (spawns npm)', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-npm-spellings-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('every finding is a key npm loaded, and every credential npm loaded is found', async () => {
    const userconfig = path.join(tmp, 'npmrc');
    fs.writeFileSync(userconfig, '//127.0.0.1:9/:_authToken=x\n//127.0.0.1:9/:certfile=/c.pem\n//127.0.0.1:9/:keyfile=/c.key\n//127.0.0.1:9/:username=u\n');
    const env = {
      PATH: process.env.PATH,
      HOME: tmp,
      npm_config_userconfig: userconfig,
      npm_config_globalconfig: path.join(tmp, 'no-global-npmrc'),
      npm_config_cache: path.join(tmp, 'cache'),
      npm_config_update_notifier: 'false',
      'npm_config_//127.0.0.1:9/:_password': 'x',
      'NPM_CONFIG_//127.0.0.1:9/:_auth': 'x',
      NPM_CONFIG__AUTH: 'x',
      npm_config__password: 'x',
      npm_config__authToken: 'x',
      npm_config_certfile: '/c.pem',
      Npm_Config_Keyfile: '/c.key',
    };
    const result = await execa('npm', ['config', 'list'], { cwd: tmp, env, extendEnv: false, reject: false, timeout: 60_000 });
    expect({ exitCode: result.exitCode, stderr: result.stderr.split('\n').filter((l) => !l.includes('warn')) }).toEqual({ exitCode: 0, stderr: [] });

    const listed = listedKeys(result.stdout);
    const findings = findNpmCredentials({ env, root: tmp, packageDir: tmp, registryUrl: REGISTRY, homeDir: tmp, execPath: path.join(tmp, 'node/bin/node') });
    const ours = {
      env: findings
        .filter((f) => f.source === 'env')
        .map((f) => f.key)
        .sort(),
      user: findings
        .filter((f) => f.source === 'npmrc')
        .map((f) => f.key)
        .sort(),
    };
    const credential = /(^|:)(_auth|_authtoken|_password|username|certfile|keyfile)$/i;
    const npms = {
      env: (listed.get('env') ?? []).filter((k) => credential.test(k)).sort(),
      user: (listed.get('user') ?? []).filter((k) => credential.test(k)).sort(),
    };
    expect(ours).toEqual(npms);
    expect(ours.env).toContain('//127.0.0.1:9/:_password');
    expect(result.stdout).toContain('//127.0.0.1:9/:_password = (protected)');
  }, 60_000);

  it('a spelling scoped to another host is loaded by npm but not refused for this registry', async () => {
    const env = {
      PATH: process.env.PATH,
      HOME: tmp,
      npm_config_userconfig: path.join(tmp, 'no-user-npmrc'),
      npm_config_globalconfig: path.join(tmp, 'no-global-npmrc'),
      'npm_config_//127.0.0.1:10/:_authToken': 'x',
    };
    const result = await execa('npm', ['config', 'list'], { cwd: tmp, env, extendEnv: false, reject: false, timeout: 60_000 });
    expect({ exitCode: result.exitCode, env: listedKeys(result.stdout).get('env') }).toEqual({
      exitCode: 0,
      env: expect.arrayContaining(['//127.0.0.1:10/:_authToken']),
    });
    const classified = classifyNpmCredentials({
      env,
      root: tmp,
      packageDir: tmp,
      registryUrl: REGISTRY,
      homeDir: tmp,
      execPath: path.join(tmp, 'node/bin/node'),
    });
    expect([classified.applying, classified.otherRegistries.map((f) => f.variable)]).toEqual([[], ['npm_config_//127.0.0.1:10/:_authToken']]);
  }, 60_000);
});
