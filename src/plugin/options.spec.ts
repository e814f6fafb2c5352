import { MonochangeError } from '../core/errors';
import { resolveManifestErrors, resolveTargetNames } from './options';

describe('resolveTargetNames', () => {
  it('uses the default target names', () => {
    expect(resolveTargetNames(undefined)).toEqual({
      publish: 'publish',
      placeholderPublish: 'placeholder-publish',
      readiness: 'readiness',
      releasePublish: 'nx-release-publish',
    });
  });

  it('takes overrides and disables the release target with false', () => {
    expect(
      resolveTargetNames({
        publishTargetName: 'mc-publish',
        placeholderPublishTargetName: 'mc-placeholder',
        readinessTargetName: 'mc-readiness',
        releasePublishTargetName: false,
      }),
    ).toEqual({ publish: 'mc-publish', placeholderPublish: 'mc-placeholder', readiness: 'mc-readiness', releasePublish: null });
  });

  it('rejects an empty or non-string name, naming the option', () => {
    expect(() => resolveTargetNames({ readinessTargetName: '' })).toThrow(MonochangeError);
    expect(() => resolveTargetNames({ publishTargetName: 3 as unknown as string })).toThrow(
      /nx\.json: plugin option `publishTargetName` must be a non-empty target name \(found 3\)\. Fix: set `publishTargetName` to a target name such as "publish"/,
    );
  });

  it('rejects two targets with the same name', () => {
    expect(() => resolveTargetNames({ readinessTargetName: 'publish' })).toThrow(/same name "publish"/);
  });
});

describe('resolveManifestErrors', () => {
  it('defaults to warn and accepts error', () => {
    expect(resolveManifestErrors(undefined)).toBe('warn');
    expect(resolveManifestErrors({ manifestErrors: 'error' })).toBe('error');
    expect(() => resolveManifestErrors({ manifestErrors: 'fail' as 'error' })).toThrow(/`manifestErrors` must be "warn" or "error" \(found "fail"\)/);
  });
});
