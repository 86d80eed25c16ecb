@control @routing
Feature: Routing
  An interaction that needs an agent is offered to one eligible agent: one
  who serves its queue, is Ready on its channel, is under capacity and is
  not excluded for this offer. The agent holding the fewest interactions
  wins; ties go to the smaller userName (these scenarios assume that the
  target's userNames of alice, bob, carol and dave sort in that order). With
  no eligible agent the interaction waits in its queue.

  Background:
    Given alice, bob, carol and dave are listening

  Scenario: A new email goes to the first of the idle agents
    When an email arrives in queue email-inbound
    Then alice is notified that it is Invited
    And no one else is notified
    And admin sees it as Invited with capabilities none

  Scenario: A new interaction without a queue is routed from its channel's first queue
    When a chat arrives
    Then alice receives on /v2/me/interactions:
      """
      {"id": "{{it}}", "channel": "chat", "state": "Invited", "currentQueue": "{{queues.chat-inbound}}"}
      """
    And no one else is notified

  Scenario: The agent holding the fewest interactions gets the next one
    Given an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    When a chat arrives in queue chat-inbound
    Then bob is notified that it is Invited
    And no one else is notified

  Scenario: An agent who is NotReady on the channel is passed over
    Given alice is made NotReady on email
    And alice is notified that she is NotReady on email
    When an email arrives in queue email-inbound
    Then bob is notified that it is Invited
    And no one else is notified

  Scenario: A workitem goes to an agent of the workitem queue
    When a workitem arrives in queue workitem-inbound
    Then carol receives on /v2/me/interactions:
      """
      {"id": "{{it}}", "channel": "workitem", "state": "Invited", "capabilities": ["Accept", "Reject"], "workitem_object": {"caseNumber": "CASE-77"}}
      """
    And no one else is notified

  Scenario: With nobody Ready the interaction waits, and goes to the first agent who becomes Ready
    Given alice is made NotReady on email
    And bob is made NotReady on email
    And carol is made NotReady on email
    And dave is made NotReady on email
    And alice is notified that she is NotReady on email
    And bob is notified that he is NotReady on email
    And carol is notified that she is NotReady on email
    And dave is notified that he is NotReady on email
    When an email arrives in queue email-inbound
    Then no one else is notified
    And admin sees it as Queued
    When carol becomes Ready on email
    Then carol is notified that she is Ready on email
    And carol is notified that it is Invited
    And no one else is notified
    And admin sees it as Invited with capabilities none
