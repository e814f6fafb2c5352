export interface InitGeneratorSchema {
  /** Skip formatting the files the generator changed. */
  skipFormat?: boolean;
  /** Accepted for `nx add` compatibility; init does not change package.json. */
  skipPackageJson?: boolean;
}
