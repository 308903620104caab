// TEST FIXTURE: a module that exports no strategy.
export const helper = 1;
