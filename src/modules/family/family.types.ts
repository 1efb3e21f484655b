import type { components } from '../../generated/openapi';

type S = components['schemas'];
export type CaseFamilyView = S['CaseFamily'];
export type CaseFamilyUpdate = S['CaseFamilyUpdate'];
export type FamilyContactCreate = S['FamilyContactCreate'];
export type FamilyContactView = S['FamilyContact'];
export type FamilyContactList = S['FamilyContactList'];
export type FamilyQuestionCreate = S['FamilyQuestionCreate'];
export type FamilyQuestionView = S['FamilyQuestion'];
export type FamilyQuestionList = S['FamilyQuestionList'];
export type FamilyAnswer = S['FamilyAnswer'];
